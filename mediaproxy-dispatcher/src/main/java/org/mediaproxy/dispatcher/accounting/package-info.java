/**
 * Accounting: every ended, answered session goes to the configured backends (accounting.md).
 *
 * <h2>Flow</h2>
 * The dispatcher calls {@link org.mediaproxy.dispatcher.accounting.Accounting#submit} from its
 * event loops; the call logs {@code statistics: <record>}, drops never-answered sessions and
 * queues the record in memory for each backend. One worker thread per backend delivers records in
 * order. Backends are built by {@link org.mediaproxy.dispatcher.accounting.AccountingBackends}
 * from plain settings records.
 *
 * <h2>Nothing is lost (unlike the original, which drops a record whenever a backend fails)</h2>
 * <ul>
 * <li>When a delivery fails, the record and everything after it go to the backend's spool,
 *     {@code <spoolDir>/<backend>/<20-digit sequence>-<count>.jsonl}: batches of records, one
 *     record's JSON text per line, each file written to a temporary name, fsync'd, renamed and
 *     the directory fsync'd. The worker retries the oldest record with a doubling delay (1 s up
 *     to 30 s by default) and replays the spool in order before anything newer. A restart finds
 *     the files again.</li>
 * <li>Replays may repeat deliveries (a crash before a delivered batch was deleted), so
 *     delivering is idempotent: the database backend looks the session's row up first (treating a
 *     NULL To-tag as a value, which a unique index does not), and a repeated RADIUS interim update
 *     just updates the same session again on the server.</li>
 * <li>A record a backend can never accept (a Call-ID too long for the column, a different record
 *     already stored under the same Call-ID and tags) raises
 *     {@link org.mediaproxy.dispatcher.accounting.RejectedRecordException} and is moved to
 *     {@code <spoolDir>/<backend>/rejected/} with an error log line, instead of blocking the
 *     queue forever. Every other failure counts as temporary.</li>
 * <li>{@link org.mediaproxy.dispatcher.accounting.Accounting#close} delivers for at most the
 *     policy's drain time (5 s), then spools what is left, including the record of a worker
 *     stuck inside a backend.</li>
 * <li>The window that remains: records submitted but not yet handed to a backend or spooled when
 *     the JVM dies abruptly (kill -9, power loss). They are in the INFO log line.</li>
 * </ul>
 *
 * <h2>Database</h2>
 * The original's table (same columns, sizes and unique key; column and table names from the
 * configuration) is created when missing. On MariaDB/MySQL it is InnoDB with binary-collated key
 * columns instead of the original's MyISAM, whose utf8mb4 key is too long (see
 * {@code SqlDialect}). If creation is refused, the statements are logged once between
 * {@code ----------------- >8 -----------------} lines and records wait in the spool until the
 * table exists.
 *
 * <h2>RADIUS</h2>
 * Attribute numbers come from the radiusclient-ng dictionaries named by client.conf plus the
 * additional dictionary (the shipped {@code radius/dictionary}); names they lack get the numbers
 * of accounting.md §3. Values whose text would be empty are left out (TinyRadius cannot send
 * them). Beyond the original: User-Name is the record's {@code username} when it has one, and
 * octet counts of 4 GiB or more add Acct-Input/Output-Gigawords (RFC 2869) instead of failing.
 * TinyRadius logs every packet at INFO under {@code org.tinyradius}: the daemon's logging set-up
 * should raise that logger to WARN.
 */
package org.mediaproxy.dispatcher.accounting;
