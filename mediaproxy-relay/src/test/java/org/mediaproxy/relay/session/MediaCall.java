package org.mediaproxy.relay.session;

import static org.mediaproxy.relay.session.RelayHarness.ports;

import java.io.IOException;
import java.time.Duration;
import org.mediaproxy.relay.session.RelayHarness.Call;

/**
 * An offer/answer-established call with one audio stream and two real UDP endpoints:
 * the caller sends to the caller-side relay ports, the callee to the callee-side ones.
 */
public final class MediaCall implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(2);
    public static final Duration SHORT = Duration.ofMillis(200);

    public final Call call;
    public final Endpoint caller = new Endpoint();
    public final Endpoint callee = new Endpoint();
    public final int callerSidePort;
    public final int calleeSidePort;

    /** Offer from the caller and answer from the callee, with the given parameters appended to both lines. */
    public MediaCall(RelayHarness relay, String callId, String callerParams, String calleeParams) throws IOException {
        call = relay.call(callId);
        calleeSidePort = ports(call.callerInvite(1, line(caller, callerParams))).get(0);
        callerSidePort = ports(call.calleeReply(1, line(callee, calleeParams))).get(0);
    }

    public MediaCall(RelayHarness relay, String callId) throws IOException {
        this(relay, callId, "sendrecv:ice=no", "sendrecv:ice=no");
    }

    public static String line(Endpoint endpoint, String params) {
        return "audio:127.0.0.1:" + endpoint.port() + ":" + params;
    }

    public void callerRtp(byte[] packet) throws IOException {
        caller.send(packet, callerSidePort);
    }

    public void calleeRtp(byte[] packet) throws IOException {
        callee.send(packet, calleeSidePort);
    }

    public void callerRtcp(byte[] packet) throws IOException {
        caller.send(packet, callerSidePort + 1);
    }

    public void calleeRtcp(byte[] packet) throws IOException {
        callee.send(packet, calleeSidePort + 1);
    }

    /** Both parties send one RTP packet and each receives the other's. */
    public void exchangeRtp() throws IOException {
        callerRtp(Endpoint.rtp(0, 1, 160));
        if (callee.receive(WAIT) == null) {
            throw new AssertionError("callee got no RTP");
        }
        calleeRtp(Endpoint.rtp(8, 1, 160));
        if (caller.receive(WAIT) == null) {
            throw new AssertionError("caller got no RTP");
        }
    }

    @Override
    public void close() throws IOException {
        caller.close();
        callee.close();
    }
}
