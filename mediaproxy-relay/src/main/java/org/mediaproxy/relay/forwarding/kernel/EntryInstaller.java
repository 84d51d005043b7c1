package org.mediaproxy.relay.forwarding.kernel;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The per-stream hot path of the kernel forwarding: hands a stream direction pair to the kernel
 * and takes it back, speaking netfilter netlink directly on one socket (no libnftables parsing
 * and cache refresh, no libnetfilter_conntrack object per request).
 * <p>
 * An install is three datagrams sent back to back, each handled by the kernel before
 * {@code send} returns, then one read of the acknowledgements:
 * <ol>
 * <li>an nf_tables transaction adding the four inhibitors to the {@code inhibit} set (the
 * stream's arriving packets bypass conntrack from now on, and the relay's own sends on it for a
 * while longer) — its acknowledgement is awaited before going on;</li>
 * <li>ctnetlink: delete the stale entries holding either arriving tuple, create the NAT entry;</li>
 * <li>an nf_tables transaction deleting the two arriving inhibitors: packets meet the entry.</li>
 * </ol>
 * A removal is one ctnetlink delete with {@code NLM_F_ECHO}: the kernel sends the entry's DESTROY
 * event back to the requester, carrying the exact final counters, before the acknowledgement.
 * <p>
 * Thread-safe (one socket under this object's lock). Opened in the calling thread's network
 * namespace.
 */
final class EntryInstaller implements AutoCloseable {

    /**
     * The relay's own sends on a handed-over stream stay untracked for this long: packets its
     * userspace path had already queued when the kernel took over would otherwise create a
     * conntrack entry clashing with the NAT entry's reply tuple, and NAT would then move them
     * to another source port.
     */
    static final Duration OUTGOING_TIMEOUT = Duration.ofSeconds(30);

    private static final int NFNL_SUBSYS_CTNETLINK = 1;
    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int NFNL_MSG_BATCH_BEGIN = 16;
    private static final int NFNL_MSG_BATCH_END = 17;
    private static final int IPCTNL_MSG_CT_NEW = 0;
    private static final int IPCTNL_MSG_CT_DELETE = 2;
    private static final int NFT_MSG_NEWSETELEM = 12;
    private static final int NFT_MSG_DELSETELEM = 14;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_ACK_TLVS = 0x200;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    private static final int IPPROTO_UDP = 17;

    // enum ctattr_type and its nested enums (linux/netfilter/nfnetlink_conntrack.h)
    private static final int CTA_TUPLE_ORIG = 1;
    private static final int CTA_TUPLE_REPLY = 2;
    private static final int CTA_STATUS = 3;
    private static final int CTA_NAT_SRC = 6;
    private static final int CTA_TIMEOUT = 7;
    private static final int CTA_MARK = 8;
    private static final int CTA_COUNTERS_ORIG = 9;
    private static final int CTA_COUNTERS_REPLY = 10;
    private static final int CTA_NAT_DST = 13;
    private static final int CTA_TUPLE_IP = 1;
    private static final int CTA_TUPLE_PROTO = 2;
    private static final int CTA_IP_V4_SRC = 1;
    private static final int CTA_IP_V4_DST = 2;
    private static final int CTA_PROTO_NUM = 1;
    private static final int CTA_PROTO_SRC_PORT = 2;
    private static final int CTA_PROTO_DST_PORT = 3;
    private static final int CTA_NAT_V4_MINIP = 1;
    private static final int CTA_NAT_PROTO = 3;
    private static final int CTA_PROTONAT_PORT_MIN = 1;
    private static final int CTA_PROTONAT_PORT_MAX = 2;
    private static final int CTA_COUNTERS_PACKETS = 1;
    private static final int CTA_COUNTERS_BYTES = 2;
    private static final int IPS_SEEN_REPLY = 1 << 1;
    private static final int IPS_ASSURED = 1 << 2;
    private static final int IPS_CONFIRMED = 1 << 3;

    // linux/netfilter/nf_tables.h
    private static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    private static final int NFTA_SET_ELEM_LIST_SET = 2;
    private static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private static final int NFTA_LIST_ELEM = 1;
    private static final int NFTA_SET_ELEM_KEY = 1;
    private static final int NFTA_SET_ELEM_TIMEOUT = 4;
    private static final int NFTA_DATA_VALUE = 1;
    /** ipv4_addr . inet_service . ipv4_addr . inet_service: each part padded to 4 bytes. */
    private static final int INHIBIT_KEY_LENGTH = 16;

    private static final boolean BIG_ENDIAN_HOST = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    private static final int ENOENT = 2;
    private static final int PENDING = Integer.MIN_VALUE;
    private static final int MAX_AWAITED = 8;

    private final NetlinkSocket socket;
    private final NetlinkWriter writer = new NetlinkWriter();
    private final int mark;
    private final int timeoutSeconds;
    private final byte[] table;
    private final byte[] inhibitSet;
    private final long inhibitMillis;

    // Acknowledgements awaited for the datagrams just sent (guarded by this).
    private final int[] awaited = new int[MAX_AWAITED];
    private final int[] results = new int[MAX_AWAITED];
    private final String[] errorTexts = new String[MAX_AWAITED];
    private int awaitedCount;

    // The last conntrack event echoed back (guarded by this).
    private final Tuple echoedOriginal = new Tuple();
    private final Tuple echoedReply = new Tuple();
    private boolean echoed;
    private int echoedMark;
    private long echoedCallerPackets;
    private long echoedCallerBytes;
    private long echoedCalleePackets;
    private long echoedCalleeBytes;

    private EntryInstaller(NetlinkSocket socket, int mark, int timeoutSeconds, String table, long inhibitMillis) {
        this.socket = socket;
        this.mark = mark;
        this.timeoutSeconds = timeoutSeconds;
        this.table = table.getBytes(StandardCharsets.US_ASCII);
        this.inhibitSet = NftRuleset.INHIBIT_SET.getBytes(StandardCharsets.US_ASCII);
        this.inhibitMillis = inhibitMillis;
    }

    /**
     * @param mark           stamped on every entry created here
     * @param entryTimeout   lifetime of a new entry until its first packet
     * @param table          the relay's nftables table, holding the {@code inhibit} set
     * @param inhibitTimeout lifetime of the arriving inhibitors if the relay dies mid-install
     */
    static EntryInstaller open(int mark, Duration entryTimeout, String table, Duration inhibitTimeout) {
        return new EntryInstaller(NetlinkSocket.open(), mark, Math.toIntExact(Math.max(1, entryTimeout.toSeconds())),
                table, Math.max(1, inhibitTimeout.toMillis()));
    }

    /**
     * Installs the NAT entry without a window in which a packet of the stream could be tracked
     * by an ordinary entry (see the class comment).
     *
     * @throws NftException       if the inhibitors could not be added (nothing was changed)
     * @throws ConntrackException if the kernel refused the entry (the stream stays in userspace)
     */
    synchronized void install(NatEntry entry) {
        inhibit(entry);
        awaitedCount = 0;
        int deleteCaller = expect(delete(entry.callerTuple(), 0));
        int deleteCallee = expect(delete(entry.calleeTuple(), 0));
        int create = expect(create(entry));
        socket.send();
        int release = expect(releaseTransaction(entry.callerTuple(), entry.calleeTuple()));
        socket.send();
        awaitAcknowledgements();
        if (results[release] != 0) {
            releaseOneByOne(entry);
        }
        if (results[create] != 0) {
            throw new ConntrackException("create " + entry + detail(create), results[create]);
        }
        checkStaleDelete(entry, deleteCaller);
        checkStaleDelete(entry, deleteCallee);
    }

    private void checkStaleDelete(NatEntry entry, int slot) {
        if (results[slot] != 0 && results[slot] != ENOENT) {
            throw new ConntrackException("delete stale entry for " + entry + detail(slot), results[slot]);
        }
    }

    /**
     * Deletes whatever entry holds the caller tuple and returns the exact final counters from the
     * DESTROY event the kernel echoes back, if that entry was this NAT entry of ours; empty if
     * there was none, or another one (after ours expired, packets relayed in userspace may have
     * created an ordinary entry: deleting it is harmless, its counts are not ours to add).
     * The echo needs the entry to have been created while some conntrack event listener was
     * subscribed, as {@link KernelForwarding} guarantees.
     */
    synchronized Optional<FlowCounters> remove(NatEntry entry) {
        awaitedCount = 0;
        echoed = false;
        int delete = expect(delete(entry.callerTuple(), NetlinkWriter.NLM_F_ECHO));
        socket.send();
        awaitAcknowledgements();
        if (results[delete] == ENOENT) {
            return Optional.empty();
        }
        if (results[delete] != 0) {
            throw new ConntrackException("delete " + entry + detail(delete), results[delete]);
        }
        if (!echoed || echoedMark != mark || !echoedOriginal.is(entry.callerRemote(), entry.callerLocal())
                || !echoedReply.is(entry.calleeRemote(), entry.calleeLocal())) {
            return Optional.empty();
        }
        return Optional.of(new FlowCounters(echoedCallerPackets, echoedCallerBytes,
                echoedCalleePackets, echoedCalleeBytes));
    }

    /**
     * Adds the stream's four inhibitors: arriving packets of both remotes (for the inhibit
     * timeout) and the relay's own sends to them ({@link #OUTGOING_TIMEOUT}) bypass conntrack.
     */
    synchronized void inhibit(NatEntry entry) {
        awaitedCount = 0;
        int transaction = expect(inhibitTransaction(entry));
        socket.send();
        awaitAcknowledgements();
        if (results[transaction] != 0) {
            throw new NftException("adding inhibitors for " + entry + " failed: " + Errno.describe(results[transaction])
                    + detail(transaction));
        }
    }

    /** Deletes the two arriving inhibitors (tolerating ones that expired already). */
    synchronized void release(NatEntry entry) {
        awaitedCount = 0;
        int transaction = expect(releaseTransaction(entry.callerTuple(), entry.calleeTuple()));
        socket.send();
        awaitAcknowledgements();
        if (results[transaction] != 0) {
            releaseOneByOne(entry);
        }
    }

    @Override
    public synchronized void close() {
        socket.close();
    }

    /**
     * An inhibitor that expired during a long stall makes nftables reject the whole delete
     * transaction: delete each on its own then, ignoring the ones already gone.
     */
    private void releaseOneByOne(NatEntry entry) {
        awaitedCount = 0;
        expect(releaseTransaction(entry.callerTuple(), null));
        socket.send();
        expect(releaseTransaction(entry.calleeTuple(), null));
        socket.send();
        awaitAcknowledgements();
    }

    // ---- messages ----

    private int inhibitTransaction(NatEntry entry) {
        ByteBuffer out = socket.request();
        int elements = beginSetTransaction(out, NFT_MSG_NEWSETELEM, NetlinkWriter.NLM_F_CREATE);
        element(entry.callerTuple(), inhibitMillis);
        element(entry.calleeTuple(), inhibitMillis);
        element(entry.callerLocal(), entry.callerRemote(), OUTGOING_TIMEOUT.toMillis());
        element(entry.calleeLocal(), entry.calleeRemote(), OUTGOING_TIMEOUT.toMillis());
        return endSetTransaction(out, elements);
    }

    /** Deletes the inhibitors of one or two arriving tuples ({@code second} may be null). */
    private int releaseTransaction(UdpTuple first, UdpTuple second) {
        ByteBuffer out = socket.request();
        int elements = beginSetTransaction(out, NFT_MSG_DELSETELEM, 0);
        element(first, 0);
        if (second != null) {
            element(second, 0);
        }
        return endSetTransaction(out, elements);
    }

    /** Writes the batch start and the set-element message head; returns the elements nest. */
    private int beginSetTransaction(ByteBuffer out, int type, int flags) {
        writer.begin(out, NFNL_MSG_BATCH_BEGIN, NetlinkWriter.NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
        writer.end();
        writer.begin(out, NFNL_SUBSYS_NFTABLES << 8 | type,
                NetlinkWriter.NLM_F_REQUEST | NetlinkWriter.NLM_F_ACK | flags, AF_INET, 0);
        writer.string(NFTA_SET_ELEM_LIST_TABLE, table);
        writer.string(NFTA_SET_ELEM_LIST_SET, inhibitSet);
        return writer.nest(NFTA_SET_ELEM_LIST_ELEMENTS);
    }

    /** Ends the message and the batch; returns the sequence number of the set-element message. */
    private int endSetTransaction(ByteBuffer out, int elements) {
        writer.endNest(elements);
        int sequence = writer.current();
        writer.end();
        writer.begin(out, NFNL_MSG_BATCH_END, NetlinkWriter.NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
        writer.end();
        return sequence;
    }

    private void element(UdpTuple tuple, long timeoutMillis) {
        element(tuple.source(), tuple.destination(), timeoutMillis);
    }

    private void element(InetSocketAddress source, InetSocketAddress destination, long timeoutMillis) {
        int element = writer.nest(NFTA_LIST_ELEM);
        if (timeoutMillis > 0) {
            writer.be64(NFTA_SET_ELEM_TIMEOUT, timeoutMillis);
        }
        int key = writer.nest(NFTA_SET_ELEM_KEY);
        writer.header(NFTA_DATA_VALUE, INHIBIT_KEY_LENGTH);
        writer.putBe32(ip(source));
        writer.putBe32(source.getPort() << 16);
        writer.putBe32(ip(destination));
        writer.putBe32(destination.getPort() << 16);
        writer.endNest(key);
        writer.endNest(element);
    }

    /** Deletes the entry holding {@code tuple} in either direction. */
    private int delete(UdpTuple tuple, int extraFlags) {
        int sequence = writer.begin(socket.request(), NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE,
                NetlinkWriter.NLM_F_REQUEST | NetlinkWriter.NLM_F_ACK | extraFlags, AF_INET, 0);
        tuple(CTA_TUPLE_ORIG, tuple.source(), tuple.destination());
        writer.end();
        return sequence;
    }

    /**
     * Original tuple CR→CL; reply tuple given as its inverse (required) and rewritten by the
     * kernel from the NAT ranges: DNAT to ER, SNAT to EL. SEEN_REPLY|ASSURED makes its lifetime
     * follow the established-UDP rules, as the original's; CONFIRMED must be in the status too
     * because the kernel has already set it on the entry it builds and refuses (EBUSY) to clear it.
     */
    private int create(NatEntry entry) {
        int sequence = writer.begin(socket.request(), NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW,
                NetlinkWriter.NLM_F_REQUEST | NetlinkWriter.NLM_F_ACK | NetlinkWriter.NLM_F_CREATE
                        | NetlinkWriter.NLM_F_EXCL, AF_INET, 0);
        tuple(CTA_TUPLE_ORIG, entry.callerRemote(), entry.callerLocal());
        tuple(CTA_TUPLE_REPLY, entry.callerLocal(), entry.callerRemote());
        nat(CTA_NAT_DST, entry.calleeRemote());
        nat(CTA_NAT_SRC, entry.calleeLocal());
        writer.be32(CTA_TIMEOUT, timeoutSeconds);
        writer.be32(CTA_MARK, mark);
        writer.be32(CTA_STATUS, IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED);
        writer.end();
        return sequence;
    }

    private void tuple(int type, InetSocketAddress source, InetSocketAddress destination) {
        int tuple = writer.nest(type);
        int addresses = writer.nest(CTA_TUPLE_IP);
        writer.be32(CTA_IP_V4_SRC, ip(source));
        writer.be32(CTA_IP_V4_DST, ip(destination));
        writer.endNest(addresses);
        int protocol = writer.nest(CTA_TUPLE_PROTO);
        writer.u8(CTA_PROTO_NUM, IPPROTO_UDP);
        writer.be16(CTA_PROTO_SRC_PORT, source.getPort());
        writer.be16(CTA_PROTO_DST_PORT, destination.getPort());
        writer.endNest(protocol);
        writer.endNest(tuple);
    }

    private void nat(int type, InetSocketAddress to) {
        int nat = writer.nest(type);
        writer.be32(CTA_NAT_V4_MINIP, ip(to));
        int ports = writer.nest(CTA_NAT_PROTO);
        writer.be16(CTA_PROTONAT_PORT_MIN, to.getPort());
        writer.be16(CTA_PROTONAT_PORT_MAX, to.getPort());
        writer.endNest(ports);
        writer.endNest(nat);
    }

    private static int ip(InetSocketAddress address) {
        byte[] bytes = address.getAddress().getAddress();
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    // ---- replies ----

    private int expect(int sequence) {
        awaited[awaitedCount] = sequence;
        results[awaitedCount] = PENDING;
        errorTexts[awaitedCount] = null;
        return awaitedCount++;
    }

    /**
     * Reads until every awaited request is acknowledged. The kernel handled the requests inside
     * {@code send}, so the answers are already queued. Acknowledgements of requests abandoned by
     * an earlier failure are skipped; a DESTROY event is kept only if it came right before an
     * awaited acknowledgement (the kernel queues the echo before the ack of its request).
     */
    private void awaitAcknowledgements() {
        int pending = awaitedCount;
        while (pending > 0) {
            socket.receive();
            ByteBuffer in = socket.reply();
            int position = 0;
            while (position + NetlinkWriter.NLMSG_HEADER <= in.limit()) {
                int length = in.getInt(position);
                if (length < NetlinkWriter.NLMSG_HEADER || position + length > in.limit()) {
                    break;
                }
                int type = in.getShort(position + 4) & 0xffff;
                if (type == NLMSG_ERROR) {
                    pending -= acknowledgement(in, position, length);
                } else if (type == (NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE)) {
                    readEvent(in, position + NetlinkWriter.NLMSG_HEADER + NetlinkWriter.NFGENMSG, position + length);
                }
                position += align(length);
            }
        }
    }

    /** @return 1 if it settled an awaited request, else 0 */
    private int acknowledgement(ByteBuffer in, int position, int length) {
        int error = in.getInt(position + NetlinkWriter.NLMSG_HEADER);
        int sequence = in.getInt(position + NetlinkWriter.NLMSG_HEADER + 4 + 8);
        for (int slot = 0; slot < awaitedCount; slot++) {
            if (awaited[slot] == sequence && results[slot] == PENDING) {
                results[slot] = -error;
                if (error != 0 && (in.getShort(position + 6) & NLM_F_ACK_TLVS) != 0) {
                    errorTexts[slot] = extendedAckMessage(in, position + NetlinkWriter.NLMSG_HEADER + 4
                            + NetlinkWriter.NLMSG_HEADER, position + length);
                }
                return 1;
            }
        }
        echoed = false;
        return 0;
    }

    private static String extendedAckMessage(ByteBuffer in, int start, int end) {
        for (int at = start; at + NetlinkWriter.NLA_HEADER <= end; ) {
            int length = in.getShort(at) & 0xffff;
            if (length < NetlinkWriter.NLA_HEADER) {
                break;
            }
            if ((in.getShort(at + 2) & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
                byte[] text = new byte[Math.max(0, length - NetlinkWriter.NLA_HEADER - 1)];
                in.get(at + NetlinkWriter.NLA_HEADER, text);
                return new String(text, StandardCharsets.US_ASCII);
            }
            at += align(length);
        }
        return null;
    }

    private String detail(int slot) {
        return errorTexts[slot] == null ? "" : " (" + errorTexts[slot] + ")";
    }

    private void readEvent(ByteBuffer in, int start, int end) {
        echoed = true;
        echoedMark = 0;
        echoedOriginal.clear();
        echoedReply.clear();
        echoedCallerPackets = echoedCallerBytes = echoedCalleePackets = echoedCalleeBytes = 0;
        for (int at = start; at + NetlinkWriter.NLA_HEADER <= end; at = next(in, at)) {
            int value = at + NetlinkWriter.NLA_HEADER;
            int valueEnd = at + attributeLength(in, at);
            switch (attributeType(in, at)) {
                case CTA_TUPLE_ORIG -> echoedOriginal.read(in, value, valueEnd);
                case CTA_TUPLE_REPLY -> echoedReply.read(in, value, valueEnd);
                case CTA_MARK -> echoedMark = be32(in, value);
                case CTA_COUNTERS_ORIG -> {
                    echoedCallerPackets = counter(in, value, valueEnd, CTA_COUNTERS_PACKETS);
                    echoedCallerBytes = counter(in, value, valueEnd, CTA_COUNTERS_BYTES);
                }
                case CTA_COUNTERS_REPLY -> {
                    echoedCalleePackets = counter(in, value, valueEnd, CTA_COUNTERS_PACKETS);
                    echoedCalleeBytes = counter(in, value, valueEnd, CTA_COUNTERS_BYTES);
                }
                default -> {
                    // not needed
                }
            }
        }
    }

    /** A 64-bit counter inside a counters nest; 0 if absent. */
    private static long counter(ByteBuffer in, int start, int end, int wanted) {
        for (int at = start; at + NetlinkWriter.NLA_HEADER <= end; at = next(in, at)) {
            if (attributeType(in, at) == wanted && attributeLength(in, at) >= NetlinkWriter.NLA_HEADER + 8) {
                return be64(in, at + NetlinkWriter.NLA_HEADER);
            }
        }
        return 0;
    }

    // Attribute headers are in host order, values in network order; a malformed length ends the walk.

    private static int attributeLength(ByteBuffer in, int at) {
        return in.getShort(at) & 0xffff;
    }

    private static int attributeType(ByteBuffer in, int at) {
        return in.getShort(at + 2) & NLA_TYPE_MASK;
    }

    private static int next(ByteBuffer in, int at) {
        int length = attributeLength(in, at);
        return length < NetlinkWriter.NLA_HEADER ? Integer.MAX_VALUE - 8 : at + align(length);
    }

    private static int be16(ByteBuffer in, int at) {
        short value = in.getShort(at);
        return (BIG_ENDIAN_HOST ? value : Short.reverseBytes(value)) & 0xffff;
    }

    private static int be32(ByteBuffer in, int at) {
        int value = in.getInt(at);
        return BIG_ENDIAN_HOST ? value : Integer.reverseBytes(value);
    }

    private static long be64(ByteBuffer in, int at) {
        long value = in.getLong(at);
        return BIG_ENDIAN_HOST ? value : Long.reverseBytes(value);
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }

    /** An IPv4/UDP tuple as read from an event, in wire numbers (no objects per event). */
    private static final class Tuple {
        int sourceIp;
        int sourcePort;
        int destinationIp;
        int destinationPort;

        void clear() {
            sourceIp = sourcePort = destinationIp = destinationPort = -1;
        }

        boolean is(InetSocketAddress source, InetSocketAddress destination) {
            return sourceIp == ip(source) && sourcePort == source.getPort()
                    && destinationIp == ip(destination) && destinationPort == destination.getPort();
        }

        /** Reads a CTA_TUPLE_* nest. */
        void read(ByteBuffer in, int start, int end) {
            for (int at = start; at + NetlinkWriter.NLA_HEADER <= end; at = next(in, at)) {
                int type = attributeType(in, at);
                int nestEnd = at + attributeLength(in, at);
                for (int inner = at + NetlinkWriter.NLA_HEADER; inner + NetlinkWriter.NLA_HEADER <= nestEnd;
                        inner = next(in, inner)) {
                    int innerType = attributeType(in, inner);
                    int value = inner + NetlinkWriter.NLA_HEADER;
                    if (type == CTA_TUPLE_IP && innerType == CTA_IP_V4_SRC) {
                        sourceIp = be32(in, value);
                    } else if (type == CTA_TUPLE_IP && innerType == CTA_IP_V4_DST) {
                        destinationIp = be32(in, value);
                    } else if (type == CTA_TUPLE_PROTO && innerType == CTA_PROTO_SRC_PORT) {
                        sourcePort = be16(in, value);
                    } else if (type == CTA_TUPLE_PROTO && innerType == CTA_PROTO_DST_PORT) {
                        destinationPort = be16(in, value);
                    }
                }
            }
        }
    }
}
