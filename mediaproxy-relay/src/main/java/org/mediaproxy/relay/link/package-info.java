/**
 * The relay's side of the dispatcher links (dispatcher-relay-protocol.md): finding the
 * dispatchers, keeping a mutual-TLS connection to each, the line protocol, and the relay's
 * shutdown as the dispatchers see it.
 *
 * <ul>
 * <li>{@link org.mediaproxy.relay.link.DispatcherMessageDecoder} /
 * {@link org.mediaproxy.relay.link.RelayMessageEncoder}: the bytes, both directions.</li>
 * <li>{@link org.mediaproxy.relay.link.DispatcherLink}: one dispatcher connection with keepalive
 * and the original's reconnect rules.</li>
 * <li>{@link org.mediaproxy.relay.link.DispatcherDirectory}: which dispatchers (SRV/A lookups,
 * set changes, links kept until their sessions end), and where {@code expired} records go.</li>
 * <li>{@link org.mediaproxy.relay.link.RelayLifecycle}: SIGHUP drain and SIGTERM expiry.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Each link lives on one Netty epoll event loop. Every call into the session
 * table ({@link org.mediaproxy.relay.link.RelayCommands}) and every change of the dispatcher set
 * runs on the single {@link org.mediaproxy.relay.link.RelayControl} thread, so replies leave in
 * command order and the event loops never wait for the media core. Name lookups block and run
 * on their own DNS thread.
 *
 * <p><b>DNS.</b> SRV records are looked up with the JDK's JNDI DNS provider and host names with
 * {@link java.net.InetAddress}: no extra library (Netty's DNS resolver would add two modules), the
 * system's resolv.conf and /etc/hosts apply as with the original, and a blocking lookup once per
 * {@code dns_check_interval} on a dedicated thread costs nothing. The
 * {@link org.mediaproxy.relay.link.HostResolver} seam lets tests feed answers.
 */
package org.mediaproxy.relay.link;
