package org.mediaproxy.relay.forwarding.kernel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * libnetfilter_conntrack stores addresses and ports exactly as the C integer we pass sits in
 * memory, and expects that memory to be in network byte order. These helpers give the native
 * integers whose in-memory bytes are the network-order bytes, and back.
 */
final class NetworkOrder {

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private NetworkOrder() {
    }

    static int address(InetSocketAddress socketAddress) {
        return ByteBuffer.wrap(socketAddress.getAddress().getAddress()).order(NATIVE).getInt();
    }

    static short port(InetSocketAddress socketAddress) {
        return ByteBuffer.allocate(2).putShort(0, (short) socketAddress.getPort()).order(NATIVE).getShort(0);
    }

    static InetSocketAddress socketAddress(int nativeAddress, short nativePort) {
        byte[] bytes = ByteBuffer.allocate(4).order(NATIVE).putInt(0, nativeAddress).array();
        int port = ByteBuffer.allocate(2).order(NATIVE).putShort(0, nativePort).order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
