package org.mediaproxy.relay.link;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.TlsCredentials;

/**
 * What every dispatcher link shares.
 *
 * @param group          epoll event loops; each link stays on one of them
 * @param credentials    the relay's TLS credentials ({@code relay.crt}, CA, CRL), asked for a
 *                       context on each connection attempt so that replaced files apply
 * @param passport       filter on the dispatcher certificate's subject ({@code [Relay] passport})
 * @param verifyInterval {@code [TLS] verify_interval}: how often a live dispatcher's certificate
 *                       is checked again
 * @param dns            thread for blocking name lookups
 * @param control        the thread that runs commands against the session table
 */
public record LinkEnvironment(
        EventLoopGroup group,
        TlsCredentials credentials,
        Passport passport,
        Duration verifyInterval,
        LinkSettings settings,
        HostResolver resolver,
        ScheduledExecutorService dns,
        RelayControl control) {
}
