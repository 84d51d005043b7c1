package org.mediaproxy.relay.link;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** DNS as the relay uses it to find dispatchers. Calls block; they run on the DNS thread. */
public interface HostResolver {

    /**
     * Target host names of the SRV records of {@code name} (e.g. {@code _sip._udp.example.com}),
     * in the order of the answer, without the trailing dot; empty when the name has no SRV record
     * or the lookup failed.
     */
    List<String> srvTargets(String name);

    /** An address of {@code host}, IPv4 preferred. */
    InetAddress address(String host) throws UnknownHostException;
}
