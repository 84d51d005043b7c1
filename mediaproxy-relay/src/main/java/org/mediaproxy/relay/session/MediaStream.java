package org.mediaproxy.relay.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.forwarding.ForwardingEvents;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media stream (one m= line, possibly kept across several offers): two relay port pairs,
 * what each party announced in SDP, hold state, the four sub-party timers, and the forwarding
 * state. Used under the session manager's lock only, except the {@link ForwardingEvents}
 * callbacks, which hand over to that lock.
 */
final class MediaStream implements ForwardingEvents {

    static final String ACTIVE = "active";
    static final String ON_HOLD = "on hold";
    static final String CLOSED = "closed";
    static final String REJECTED = "rejected";
    static final String NO_TRAFFIC_TIMEOUT = "no-traffic timeout";
    static final String ON_HOLD_TIMEOUT = "on hold timeout";
    static final String CONNTRACK_TIMEOUT = "conntrack timeout";
    static final String UNSELECTED_ICE = "unselected ICE candidate";

    private static final Logger LOG = LoggerFactory.getLogger(MediaStream.class);

    private final MediaContext ctx;
    private final Session session;
    private final String mediaType;
    private final StreamForwarding forwarding;
    private final int callerPort;
    private final int calleePort;
    private final PartySdp caller = new PartySdp();
    private final PartySdp callee = new PartySdp();
    private final Instant createTime;
    private Instant startTime;
    private Instant endTime;
    private boolean alive = true;
    private String status = ACTIVE;
    private long timeoutWait;
    /** Sub-party timers, index {@link #slot}. */
    private final PartyTimer[] timers = new PartyTimer[4];
    /** Silence watch per substream: activity seen at the last check and since when it is unchanged. */
    private final long[] lastActivity = new long[2];
    private final Instant[] quietSince = new Instant[2];

    /** What one party announced for this stream. */
    private static final class PartySdp {
        private InetAddress address;
        private int port;
        private boolean onHold;
        private boolean ice;

        boolean known() {
            return address != null;
        }

        String ip() {
            return address.getHostAddress();
        }
    }

    /** A running no-traffic or on-hold timer of one sub-party. */
    private final class PartyTimer implements Runnable {
        private final SubstreamKind kind;
        private final Party party;
        private final boolean hold;
        private ScheduledFuture<?> future;

        PartyTimer(SubstreamKind kind, Party party, boolean hold) {
            this.kind = kind;
            this.party = party;
            this.hold = hold;
        }

        @Override
        public void run() {
            timerFired(this);
        }
    }

    private MediaStream(MediaContext ctx, Session session, String mediaType) throws PortsExhaustedException {
        this.ctx = ctx;
        this.session = session;
        this.mediaType = mediaType;
        this.createTime = ctx.clock().instant();
        RelaySettings settings = ctx.settings();
        this.forwarding = new StreamForwarding(ctx.engine(), ctx.clock(), settings.userspaceTransmitEvery(), this);
        int callerSide = ctx.ports().allocate(port -> forwarding.bind(Party.CALLER, session.bindAddress(Party.CALLER), port));
        int calleeSide;
        try {
            calleeSide = ctx.ports().allocate(port -> forwarding.bind(Party.CALLEE, session.bindAddress(Party.CALLEE), port));
        } catch (PortsExhaustedException e) {
            forwarding.close();
            ctx.ports().release(callerSide);
            throw e;
        }
        this.callerPort = callerSide;
        this.calleePort = calleeSide;
    }

    /**
     * Creates a stream for an offer line: allocates and binds both port pairs, records the
     * offering party's address, starts the four no-traffic timers and applies hold.
     */
    static MediaStream open(MediaContext ctx, Session session, MediaLine line, Party offerer)
            throws PortsExhaustedException {
        MediaStream stream = new MediaStream(ctx, session, line.type());
        for (SubstreamKind kind : SubstreamKind.values()) {
            for (Party party : Party.values()) {
                stream.startTimer(kind, party, false);
            }
        }
        PartySdp sdp = stream.sdp(offerer);
        sdp.ice = line.ice();
        stream.storeSdp(offerer, line);
        stream.checkHold(offerer, line);
        LOG.debug("New {} stream of {}: caller side {}, callee side {}", line.type(), session.callId(),
                stream.callerPort, stream.calleePort);
        return stream;
    }

    String mediaType() {
        return mediaType;
    }

    boolean isAlive() {
        return alive;
    }

    String status() {
        return status;
    }

    Instant startTime() {
        return startTime;
    }

    void startTime(Instant time) {
        startTime = time;
    }

    /** The relay's RTP address on {@code party}'s side (the port that party sends to). */
    InetSocketAddress local(Party party) {
        return forwarding.substream(SubstreamKind.RTP).local(party);
    }

    /** Whether update answers give this stream's port (else 0). */
    boolean reportsPort() {
        return ACTIVE.equals(status) || ON_HOLD.equals(status);
    }

    /**
     * Whether a re-offer line from {@code party} is this (alive) stream: same media type and the
     * same address, the same port at 0.0.0.0 (old-style hold), or the same address at port 0.
     */
    boolean matches(Party party, MediaLine line) {
        PartySdp sdp = sdp(party);
        if (!alive || !mediaType.equals(line.type()) || !sdp.known()) {
            return false;
        }
        boolean sameIp = line.ip().equals(sdp.ip());
        return (sameIp && line.port() == sdp.port)
                || (MediaLine.UNSPECIFIED.equals(line.ip()) && line.port() == sdp.port)
                || (sameIp && line.port() == 0);
    }

    /** Applies {@code party}'s direction/address to the hold state; entering or leaving hold rearms timers. */
    void checkHold(Party party, MediaLine line) {
        if (!alive) {
            return;
        }
        boolean wasOnHold = onHold();
        sdp(party).onHold = line.onHold();
        if (wasOnHold && !onHold()) {
            status = ACTIVE;
            for (SubstreamKind kind : SubstreamKind.values()) {
                for (Party subParty : Party.values()) {
                    cancelTimer(kind, subParty);
                    if (!forwarding.substream(kind).isLatched(subParty)) {
                        startTimer(kind, subParty, false);
                    }
                }
                quietSince[kind.ordinal()] = null;
            }
        } else if (!wasOnHold && onHold()) {
            status = ON_HOLD;
            for (SubstreamKind kind : SubstreamKind.values()) {
                for (Party subParty : Party.values()) {
                    startTimer(kind, subParty, true);
                }
            }
        }
    }

    /** Processes {@code party}'s answer line (port not 0) for this alive stream. */
    void answer(Party party, MediaLine line) {
        checkHold(party, line);
        PartySdp sdp = sdp(party);
        sdp.ice = line.ice();
        if (!sdp.known() || MediaLine.UNSPECIFIED.equals(sdp.ip())) {
            storeSdp(party, line);
            LOG.debug("Accepted {} address {}:{} for {} stream of {}", party.label(), line.ip(), line.port(),
                    mediaType, session.callId());
        } else if (sdp.port != line.port()
                || (!sdp.ip().equals(line.ip()) && !MediaLine.UNSPECIFIED.equals(line.ip()))) {
            forwarding.reset(party);
            for (SubstreamKind kind : SubstreamKind.values()) {
                startTimer(kind, party, false);
            }
            storeSdp(party, line);
            LOG.debug("Updated {} address to {}:{} for {} stream of {}", party.label(), line.ip(), line.port(),
                    mediaType, session.callId());
        }
    }

    private void storeSdp(Party party, MediaLine line) {
        PartySdp sdp = sdp(party);
        sdp.address = line.address();
        sdp.port = line.port();
        boolean usable = line.port() != 0 && ctx.routability().isRoutable(line.address());
        forwarding.sdpDestination(party, usable ? new InetSocketAddress(line.address(), line.port()) : null);
    }

    /** Ends the stream: timers stop, sockets close, ports go back to the pool. */
    void close(String finalStatus) {
        if (!alive) {
            return;
        }
        alive = false;
        status = finalStatus;
        for (int i = 0; i < timers.length; i++) {
            cancel(i);
        }
        forwarding.close();
        ctx.ports().release(callerPort);
        ctx.ports().release(calleePort);
        endTime = ctx.clock().instant();
        LOG.debug("Closed {} stream of {} ({})", mediaType, session.callId(), finalStatus);
    }

    // ---- timers and expiry -------------------------------------------------------------------

    private void startTimer(SubstreamKind kind, Party party, boolean hold) {
        cancelTimer(kind, party);
        PartyTimer timer = new PartyTimer(kind, party, hold);
        RelaySettings settings = ctx.settings();
        timer.future = ctx.schedule(hold ? settings.onHoldTimeout() : settings.streamTimeout(), timer);
        timers[slot(kind, party)] = timer;
    }

    private void cancelTimer(SubstreamKind kind, Party party) {
        cancel(slot(kind, party));
    }

    private void cancel(int slot) {
        PartyTimer timer = timers[slot];
        if (timer != null) {
            timer.future.cancel(false);
            timers[slot] = null;
        }
    }

    private void timerFired(PartyTimer timer) {
        int slot = slot(timer.kind, timer.party);
        if (!alive || timers[slot] != timer) {
            return;
        }
        timers[slot] = null;
        RelaySettings settings = ctx.settings();
        if (timer.hold) {
            substreamExpired(timer.kind, ON_HOLD_TIMEOUT, settings.onHoldTimeout().toSeconds());
        } else if (!forwarding.substream(timer.kind).hasSentMedia(timer.party)) {
            substreamExpired(timer.kind, NO_TRAFFIC_TIMEOUT, settings.streamTimeout().toSeconds());
        }
    }

    @Override
    public void firstMedia(SubstreamKind kind, Party party) {
        ctx.post(() -> {
            PartyTimer timer = timers[slot(kind, party)];
            if (alive && timer != null && !timer.hold && forwarding.substream(kind).hasSentMedia(party)) {
                cancelTimer(kind, party);
            }
        });
    }

    @Override
    public void offloadExpired(SubstreamKind kind, int timeoutWait) {
        ctx.post(() -> substreamExpired(kind, CONNTRACK_TIMEOUT, timeoutWait));
    }

    /**
     * Silence watch for media that flowed and stopped (the userspace counterpart of a conntrack
     * entry timing out): a substream whose parties both sent media, not on hold and not offloaded
     * to the kernel, expires after {@code stream_timeout} without a media packet.
     */
    void checkSilence(Instant now) {
        for (SubstreamKind kind : SubstreamKind.values()) {
            if (!alive) {
                return;
            }
            int k = kind.ordinal();
            SubstreamForwarding substream = forwarding.substream(kind);
            long activity = substream.activity();
            boolean watched = !onHold() && !forwarding.isOffloaded(kind)
                    && substream.hasSentMedia(Party.CALLER) && substream.hasSentMedia(Party.CALLEE);
            if (!watched || activity != lastActivity[k] || quietSince[k] == null) {
                lastActivity[k] = activity;
                quietSince[k] = now;
            } else if (Duration.between(quietSince[k], now).compareTo(ctx.settings().streamTimeout()) >= 0) {
                quietSince[k] = null;
                substreamExpired(kind, NO_TRAFFIC_TIMEOUT, ctx.settings().streamTimeout().toSeconds());
            }
        }
    }

    /**
     * A substream timed out. RTCP (or RTP on hold whose kernel entry expired) only forgets its
     * peers, to be learned again; otherwise the whole stream ends and the session may follow.
     */
    private void substreamExpired(SubstreamKind kind, String reason, long wait) {
        if (!alive) {
            return;
        }
        if (kind == SubstreamKind.RTCP || (onHold() && CONNTRACK_TIMEOUT.equals(reason))) {
            for (Party party : Party.values()) {
                cancelTimer(kind, party);
            }
            forwarding.forgetPeers(kind);
            LOG.debug("{} of {} stream of {} idle ({}): peers forgotten", kind, mediaType, session.callId(), reason);
            return;
        }
        String finalReason = caller.ice && callee.ice ? UNSELECTED_ICE : reason;
        LOG.info("{} stream of {} ended: {}", mediaType, session.callId(), finalReason);
        close(finalReason);
        timeoutWait = wait;
        session.streamExpired();
    }

    // ---- statistics ------------------------------------------------------------------------------

    TrafficCounters counters() {
        return forwarding.counters();
    }

    /** The stream entry of the session record (session-record.md §2). */
    ObjectNode record(Instant sessionStart, long duration) {
        ObjectNode node = PythonJson.object();
        node.put("media_type", mediaType);
        node.put("status", status);
        node.put("timeout_wait", timeoutWait);
        SubstreamForwarding rtp = forwarding.substream(SubstreamKind.RTP);
        node.put("caller_codec", rtp.codec(Party.CALLER));
        node.put("callee_codec", rtp.codec(Party.CALLEE));
        if (sessionStart == null) {
            node.put("start_time", 0);
            node.put("end_time", 0);
        } else {
            long start = Math.max(EpochSeconds.truncatedBetween(sessionStart, startTime), 0);
            long end;
            if (REJECTED.equals(status)) {
                end = start;
            } else if (endTime == null) {
                end = duration;
            } else {
                end = Math.min(EpochSeconds.truncatedBetween(sessionStart, endTime), duration);
            }
            node.put("start_time", start);
            node.put("end_time", end);
        }
        Instant firstMedia = forwarding.firstMediaTime();
        if (firstMedia == null) {
            node.putNull("post_dial_delay");
        } else {
            node.put("post_dial_delay", EpochSeconds.between(createTime, firstMedia));
        }
        TrafficCounters counters = counters();
        node.put("caller_bytes", counters.callerBytes());
        node.put("callee_bytes", counters.calleeBytes());
        node.put("caller_packets", counters.callerPackets());
        node.put("callee_packets", counters.calleePackets());
        node.put("caller_local", text(rtp.local(Party.CALLER)));
        node.put("callee_local", text(rtp.local(Party.CALLEE)));
        node.put("caller_remote", text(rtp.remote(Party.CALLER)));
        node.put("callee_remote", text(rtp.remote(Party.CALLEE)));
        return node;
    }

    private static String text(InetSocketAddress address) {
        return address == null ? "Unknown" : address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private boolean onHold() {
        return caller.onHold || callee.onHold;
    }

    private PartySdp sdp(Party party) {
        return party == Party.CALLER ? caller : callee;
    }

    private static int slot(SubstreamKind kind, Party party) {
        return kind.ordinal() * 2 + party.ordinal();
    }
}
