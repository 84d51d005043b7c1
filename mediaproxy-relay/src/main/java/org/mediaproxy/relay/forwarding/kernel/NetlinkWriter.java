package org.mediaproxy.relay.forwarding.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes netfilter netlink messages ({@code nlmsghdr} + {@code nfgenmsg} + attributes) into a
 * buffer, the layout {@code libmnl} would produce: headers in host byte order, attribute values
 * in network byte order, everything padded to four bytes. Each message gets the next sequence
 * number, which its acknowledgement carries back.
 */
final class NetlinkWriter {

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    /** Also send the notification the request causes back to the requester (a DESTROY event for a delete). */
    static final int NLM_F_ECHO = 0x8;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLA_HEADER = 4;
    static final int NLMSG_HEADER = 16;
    static final int NFGENMSG = 4;

    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    private ByteBuffer buffer;
    private int messageStart = -1;
    private int sequence;

    /** Starts a message at the buffer's position; returns its sequence number. */
    int begin(ByteBuffer target, int type, int flags, int family, int resourceId) {
        if (messageStart >= 0) {
            throw new IllegalStateException("previous message not ended");
        }
        buffer = target;
        messageStart = target.position();
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        target.putInt(0)                      // nlmsg_len, patched by end()
                .putShort((short) type)
                .putShort((short) flags)
                .putInt(sequence)
                .putInt(0);                   // nlmsg_pid: 0 = to the kernel
        target.put((byte) family).put((byte) 0); // nfgen_family, version NFNETLINK_V0
        target.order(ByteOrder.BIG_ENDIAN).putShort((short) resourceId).order(HOST);
        return sequence;
    }

    /** Sequence number of the message begun last. */
    int current() {
        return sequence;
    }

    void end() {
        buffer.putInt(messageStart, buffer.position() - messageStart);
        messageStart = -1;
    }

    /** Opens a nested attribute; close it with {@link #endNest} and the returned position. */
    int nest(int type) {
        int start = buffer.position();
        buffer.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return start;
    }

    void endNest(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
    }

    void u8(int type, int value) {
        header(type, 1);
        buffer.put((byte) value);
        pad();
    }

    void be16(int type, int value) {
        header(type, 2);
        buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) value).order(HOST);
        pad();
    }

    void be32(int type, int value) {
        header(type, 4);
        buffer.order(ByteOrder.BIG_ENDIAN).putInt(value).order(HOST);
    }

    void be64(int type, long value) {
        header(type, 8);
        buffer.order(ByteOrder.BIG_ENDIAN).putLong(value).order(HOST);
    }

    /** A NUL-terminated string attribute, given as its bytes without the NUL. */
    void string(int type, byte[] ascii) {
        header(type, ascii.length + 1);
        buffer.put(ascii).put((byte) 0);
        pad();
    }

    /**
     * Starts an attribute of {@code length} value bytes that the caller writes next with
     * {@link #putBe32}/{@link #putBe16}/{@link #pad}.
     */
    void header(int type, int length) {
        buffer.putShort((short) (NLA_HEADER + length)).putShort((short) type);
    }

    void putBe32(int value) {
        buffer.order(ByteOrder.BIG_ENDIAN).putInt(value).order(HOST);
    }

    void putBe16(int value) {
        buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) value).order(HOST);
    }

    void pad() {
        while ((buffer.position() & 3) != 0) {
            buffer.put((byte) 0);
        }
    }
}
