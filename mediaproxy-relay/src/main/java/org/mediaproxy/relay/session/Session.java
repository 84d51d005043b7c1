package org.mediaproxy.relay.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.forwarding.Party;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call as the relay sees it, keyed by (Call-ID, From-tag of the message that created it).
 * Offers and answers are ordered by {@link CSeqPair}; each offer's stream list is kept, and a
 * stream may appear in several lists when a re-offer keeps it. Used under the session
 * manager's lock only.
 */
final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final MediaContext ctx;
    private final String dispatcher;
    private final String callId;
    private final String fromTag;
    private final String fromUri;
    private final String toUri;
    private final String username;
    private final InetAddress callerSideIp;
    private final InetAddress calleeSideIp;
    private final Consumer<Session> onExpiry;
    private String toTag;
    private String callerUa;
    private String calleeUa;
    private CSeqPair cseq;
    private CSeqPair previousCseq;
    private final TreeMap<CSeqPair, List<MediaStream>> streams = new TreeMap<>();
    private Instant startTime;
    private Instant endTime;

    /**
     * @param onExpiry called when the last alive stream ended by itself
     */
    Session(MediaContext ctx, String dispatcher, UpdateRequest creator, Consumer<Session> onExpiry) {
        this.ctx = ctx;
        this.dispatcher = dispatcher;
        this.callId = creator.callId();
        this.fromTag = creator.fromTag();
        this.fromUri = creator.fromUri();
        this.toUri = creator.toUri();
        this.username = creator.signaling().username();
        this.onExpiry = onExpiry;
        RelaySettings settings = ctx.settings();
        InetAddress relayIp = settings.relayIp();
        if (settings.autoDetectInterfaces() && settings.advertisedIp().isEmpty()) {
            SignalingIp signaling = creator.signaling();
            String destination = signaling.destinationIp() != null ? signaling.destinationIp() : signaling.callerIp();
            this.callerSideIp = LocalAddresses.towards(signaling.callerIp(), relayIp);
            this.calleeSideIp = LocalAddresses.towards(destination, relayIp);
        } else {
            this.callerSideIp = relayIp;
            this.calleeSideIp = relayIp;
        }
    }

    String callId() {
        return callId;
    }

    String fromTag() {
        return fromTag;
    }

    String dispatcher() {
        return dispatcher;
    }

    /** Local address the sockets facing {@code party} bind to. */
    InetAddress bindAddress(Party party) {
        return party == Party.CALLER ? callerSideIp : calleeSideIp;
    }

    /**
     * Applies one SDP-carrying (or not) message. {@code downstream}: the SDP is the caller's;
     * {@code callerCseq}: the CSeq is numbered by the caller.
     */
    void update(UpdateRequest message, boolean downstream, boolean callerCseq)
            throws PortsExhaustedException, InvalidCommandException {
        CSeqPair pair = (cseq == null ? CSeqPair.BASE : cseq).with(callerCseq, message.cseq());
        if (callerCseq && toTag == null && message.toTag() != null) {
            toTag = message.toTag();
        }
        Party party = downstream ? Party.CALLER : Party.CALLEE;
        if (party == Party.CALLER && callerUa == null) {
            callerUa = message.userAgent();
        } else if (party == Party.CALLEE && calleeUa == null) {
            calleeUa = message.userAgent();
        }
        if (cseq == null || pair.compareTo(cseq) > 0) {
            offer(pair, party, message.media());
        } else if (pair.equals(cseq)) {
            answer(party, message.toTag(), message.media());
        } else {
            LOG.debug("Session {}: got old CSeq {}, ignoring", callId, pair);
        }
    }

    private void offer(CSeqPair pair, Party party, List<MediaLine> media) throws PortsExhaustedException {
        if (media.isEmpty()) {
            return;
        }
        List<MediaStream> candidates = cseq == null ? new ArrayList<>() : new ArrayList<>(streams.get(cseq));
        MediaStream[] kept = new MediaStream[media.size()];
        for (int i = 0; i < media.size(); i++) {
            for (MediaStream old : candidates) {
                if (old.matches(party, media.get(i))) {
                    kept[i] = old;
                    candidates.remove(old);
                    break;
                }
            }
        }
        // Allocate every new stream before changing anything, so a failure leaves the session as it was.
        List<MediaStream> created = new ArrayList<>();
        try {
            for (int i = 0; i < media.size(); i++) {
                if (kept[i] == null) {
                    created.add(MediaStream.open(ctx, this, media.get(i), party));
                }
            }
        } catch (PortsExhaustedException e) {
            created.forEach(stream -> stream.close(MediaStream.CLOSED));
            throw e;
        }
        List<MediaStream> offered = new ArrayList<>(media.size());
        int next = 0;
        for (int i = 0; i < media.size(); i++) {
            MediaLine line = media.get(i);
            MediaStream stream = kept[i];
            if (stream != null) {
                stream.checkHold(party, line);
            } else {
                stream = created.get(next++);
            }
            if (line.port() == 0) {
                stream.close(MediaStream.CLOSED);
            }
            offered.add(stream);
        }
        if (previousCseq != null) {
            List<MediaStream> current = streams.get(cseq);
            for (MediaStream stream : streams.get(previousCseq)) {
                if (!current.contains(stream) && !offered.contains(stream)) {
                    stream.close(MediaStream.CLOSED);
                }
            }
        }
        previousCseq = cseq;
        cseq = pair;
        streams.put(pair, offered);
    }

    private void answer(Party party, String answerToTag, List<MediaLine> media) throws InvalidCommandException {
        Instant now = ctx.clock().instant();
        if (startTime == null) {
            startTime = now;
        }
        List<MediaStream> current = streams.get(cseq);
        for (MediaStream stream : current) {
            if (stream.startTime() == null) {
                stream.startTime(now);
            }
        }
        if (answerToTag != null && media.isEmpty()) {
            return;
        }
        int paired = Math.min(media.size(), current.size());
        for (int i = 0; i < paired; i++) {
            if (!current.get(i).mediaType().equals(media.get(i).type())) {
                throw new InvalidCommandException("answer for " + callId + " has media type '" + media.get(i).type()
                        + "' at position " + (i + 1) + " where '" + current.get(i).mediaType() + "' was offered");
            }
        }
        for (int i = paired; i < current.size(); i++) {
            current.get(i).close(MediaStream.REJECTED);
        }
        for (int i = 0; i < paired; i++) {
            MediaStream stream = current.get(i);
            MediaLine line = media.get(i);
            if (line.port() == 0) {
                stream.close(MediaStream.REJECTED);
            } else if (stream.isAlive()) {
                stream.answer(party, line);
            }
        }
        if (previousCseq != null) {
            for (MediaStream stream : streams.get(previousCseq)) {
                if (!current.contains(stream)) {
                    stream.close(MediaStream.CLOSED);
                }
            }
        }
    }

    /**
     * The answer to the dispatcher: relay IP and one port per stream of the latest offer whose
     * CSeq (on the message sender's side) is the message's, facing the message's recipient;
     * null when there is no such offer.
     */
    String localMedia(boolean downstream, long messageCseq, boolean callerCseq) {
        CSeqPair match = null;
        for (CSeqPair pair : streams.keySet()) {
            if (pair.component(callerCseq) == messageCseq) {
                match = pair;
            }
        }
        if (match == null) {
            return null;
        }
        List<MediaStream> list = streams.get(match);
        Party facing = downstream ? Party.CALLEE : Party.CALLER;
        String ip = ctx.settings().advertisedIp()
                .orElse(list.get(0).local(facing).getAddress()).getHostAddress();
        StringBuilder answer = new StringBuilder(ip);
        for (MediaStream stream : list) {
            answer.append(' ').append(stream.reportsPort() ? stream.local(facing).getPort() : 0);
        }
        return answer.toString();
    }

    /** A stream ended by itself: when none of the last two offers has an alive stream left, the session expires. */
    void streamExpired() {
        boolean anyAlive = false;
        for (CSeqPair pair : new CSeqPair[] {previousCseq, cseq}) {
            if (pair != null) {
                anyAlive |= streams.get(pair).stream().anyMatch(MediaStream::isAlive);
            }
        }
        if (!anyAlive) {
            onExpiry.accept(this);
        }
    }

    /** Ends the session (remove, expiry, shutdown): remaining streams close with status {@code closed}. */
    void close() {
        endTime = ctx.clock().instant();
        for (CSeqPair pair : new CSeqPair[] {previousCseq, cseq}) {
            if (pair != null) {
                streams.get(pair).forEach(stream -> stream.close(MediaStream.CLOSED));
            }
        }
    }

    /** Every stream the session ever had, in offer order, each once. */
    Set<MediaStream> allStreams() {
        Set<MediaStream> all = new LinkedHashSet<>();
        for (Map.Entry<CSeqPair, List<MediaStream>> entry : streams.entrySet()) {
            all.addAll(entry.getValue());
        }
        return all;
    }

    /** Bytes relayed by all of the session's streams so far. */
    long relayedBytes() {
        long total = 0;
        for (MediaStream stream : allStreams()) {
            total += stream.counters().totalBytes();
        }
        return total;
    }

    /** Seconds from the first answer to the end (or to {@code now} while alive); 0 if never answered. */
    long duration(Instant now) {
        if (startTime == null) {
            return 0;
        }
        return EpochSeconds.truncatedBetween(startTime, endTime != null ? endTime : now);
    }

    /** The session record (session-record.md §1). */
    ObjectNode record(Instant now) {
        long duration = duration(now);
        ObjectNode node = PythonJson.object();
        node.put("call_id", callId);
        node.put("from_tag", fromTag);
        node.put("from_uri", fromUri);
        node.put("to_tag", toTag);
        node.put("to_uri", toUri);
        if (startTime == null) {
            node.putNull("start_time");
        } else {
            node.put("start_time", EpochSeconds.of(startTime));
        }
        node.put("duration", duration);
        node.put("caller_ua", callerUa != null ? callerUa : "Unknown");
        node.put("callee_ua", calleeUa != null ? calleeUa : "Unknown");
        node.put("username", username);
        ArrayNode list = node.putArray("streams");
        allStreams().stream()
                .filter(stream -> stream.startTime() != null)
                .sorted(Comparator.comparing(MediaStream::startTime))
                .forEach(stream -> list.add(stream.record(startTime, duration)));
        return node;
    }
}
