/**
 * The media dispatcher: OpenSIPS on one side, relays on the other.
 *
 * <h2>Where things are</h2>
 * <ul>
 * <li>{@code opensips}: the UNIX stream socket of the OpenSIPS {@code mediaproxy} module
 *     (request framing, {@code update}/{@code remove}, one reply line per request, in request
 *     order even when a client pipelines).</li>
 * <li>{@code relay}: the TLS listener for relays, one {@link org.mediaproxy.dispatcher.relay.RelayLink}
 *     per connection (sequence numbers, {@code relay_timeout}, {@code ping}/{@code pong},
 *     {@code halting}), relay selection.</li>
 * <li>{@code session}: the session table, the keys the dispatcher adds to session records, the
 *     state file, and {@link org.mediaproxy.dispatcher.session.RecordSink} towards accounting.</li>
 * <li>{@code mi}: {@code dlg_end_dlg} over OpenSIPS's {@code mi_datagram} socket.</li>
 * <li>{@code management}: {@code summary}, {@code sessions}, {@code version}, {@code quit}.</li>
 * <li>{@code web}: Prometheus metrics and the live sessions page on {@code listen_metrics}; the core
 *     counts sessions, OpenSIPS requests, setup latency and errors in
 *     {@link org.mediaproxy.dispatcher.web.DispatcherMetrics}, the rest is read from the same
 *     answers as the management commands.</li>
 * <li>{@link org.mediaproxy.dispatcher.RequestRouter} routes OpenSIPS requests;
 *     {@link org.mediaproxy.dispatcher.Dispatcher} keeps the table in step with the relays;
 *     {@link org.mediaproxy.dispatcher.MediaDispatcher} binds the sockets and stops in order;
 *     {@link org.mediaproxy.dispatcher.DispatcherMain} is {@code media-dispatcher}.</li>
 * </ul>
 *
 * <h2>One thread</h2>
 * Every socket of the dispatcher is registered with one Netty epoll event loop, and the
 * dispatcher's state (session table, relay links, pending commands, MI requests) is only touched
 * there, so it needs no locks. The work per request is a map lookup and a few hundred bytes of
 * text; the blocking work (databases, RADIUS) runs on the accounting workers.
 *
 * <h2>Answering within OpenSIPS's patience</h2>
 * The module waits {@code mediaproxy_timeout} (500 ms by default) for a reply; then it closes the
 * socket and sends nothing for 10 s. The original waited {@code relay_timeout} (5 s) per relay.
 * Here {@code [Dispatcher] opensips_timeout} (default 500, set it to the module's value) bounds
 * every request: the answer is written at the latest after 80 % of it. A relay gets at most half
 * of the time left while another could still be tried (never more than {@code relay_timeout});
 * a relay that lets its time pass gets no new sessions until it shows life (an answer or a
 * ping). When the time is up OpenSIPS gets {@code error} – before it gives up, so its connection
 * stays usable – and nothing is ever written later. A relay that accepts a new session after the
 * dispatcher moved on is sent a {@code remove} for it; a {@code remove} answered late is still
 * accounted.
 *
 * <h2>Choosing a relay</h2>
 * Calls stick to their relay. A new call goes to the relay forced by {@code media_relay} when it
 * is connected and usable, otherwise to the least loaded usable relay (not halting, not timed
 * out, not unresponsive), random among equals. Load = the relay's own session and stream counts
 * (from its {@code sessions} answer at connection time and a {@code summary} every 15 s, which
 * also see other dispatchers' calls) adjusted by the calls this dispatcher placed or ended since.
 *
 * <h2>A restart loses no call</h2>
 * At shutdown the table is written to {@code <runtime dir>/dispatcher_state} (JSON: Call-ID,
 * relay, dialog id, expiry); at start it is read back, and the file deleted once the sockets are
 * bound. The relays know which calls they carry but not the OpenSIPS dialog ids, so the file is
 * what keeps {@code dlg_end_dlg} working across a restart. When a relay connects, its
 * {@code sessions} answer is reconciled with the table: calls the relay no longer has are dropped
 * (and their dialogs ended), calls it has that the table lacks are adopted – which rebuilds the
 * table after a crash, when there is no state file. An adopted call is confirmed by the next
 * request OpenSIPS sends for it (which also brings back its dialog id); adopted calls that
 * disappear from their relay (other dispatchers' calls, listed by shared relays) are forgotten
 * by the periodic clean-up.
 *
 * <h2>Ending dialogs whose media timed out</h2>
 * OpenSIPS 3.1 and later refuse the decimal dialog id that the module reports, so the original's
 * {@code dlg_end_dlg} never ended a call there. {@code [OpenSIPS] dialog_id_format} chooses the
 * form: {@code hex} (default, {@code <h_entry>.<h_id>} in OpenSIPS's reverse hex),
 * {@code callid}, or {@code decimal} for older OpenSIPS. Undeliverable or unanswered requests are
 * retried twice; refusals are logged with a hint.
 */
package org.mediaproxy.dispatcher;
