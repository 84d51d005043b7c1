package org.mediaproxy.bench;

import java.net.InetSocketAddress;

/** Where each end of one media stream sends its RTP, as the relay under test told them. */
record StreamRoute(InetSocketAddress callerSendsTo, InetSocketAddress calleeSendsTo) {
}
