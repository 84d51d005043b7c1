package org.mediaproxy.relay.link;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.mediaproxy.common.tls.Passport;

/**
 * What every dispatcher link shares.
 *
 * @param group    epoll event loops; each link stays on one of them
 * @param tls      client TLS context with the relay's certificate and the CA; asked for each
 *                 connection attempt, so reloaded credentials apply to the next one
 * @param passport filter on the dispatcher certificate's subject ({@code [Relay] passport})
 * @param dns      thread for blocking name lookups
 * @param control  the thread that runs commands against the session table
 */
public record LinkEnvironment(
        EventLoopGroup group,
        Supplier<SslContext> tls,
        Passport passport,
        LinkSettings settings,
        HostResolver resolver,
        ScheduledExecutorService dns,
        RelayControl control) {
}
