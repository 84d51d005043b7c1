package org.mediaproxy.dispatcher.accounting;

/**
 * One place session records are delivered to (a database table, a RADIUS server).
 *
 * <p>{@link #account} may block (JDBC, RADIUS retransmissions): it is only ever called from the
 * backend's own accounting worker thread, one record at a time, in order. Throwing means "not
 * delivered": a {@link RejectedRecordException} says the record itself can never be accepted and
 * is set aside; any other exception is taken as a temporary failure and the record is retried
 * from the spool later, so implementations must tolerate getting the same record again.
 */
public interface AccountingBackend extends AutoCloseable {

    /** Short name, used in logs and as the backend's spool directory name. */
    String name();

    void account(SessionRecord record) throws Exception;

    /** Releases connections and sockets; called once, after the worker has stopped or given up. */
    @Override
    void close();
}
