package org.mediaproxy.testkit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the exact requests the OpenSIPS {@code mediaproxy} module writes for one call in dialog
 * mode ({@code engage_media_proxy()}), including the empty-valued headers it always sends.
 */
public final class SipDialog {

    /** One {@code media:} element: type, SDP address and port, direction, ICE flag. */
    public record Media(String type, String ip, int port, String direction, boolean ice) {
        public static Media audio(String ip, int port) {
            return new Media("audio", ip, port, "sendrecv", false);
        }

        public static Media video(String ip, int port) {
            return new Media("video", ip, port, "sendrecv", false);
        }

        String encode() {
            return type + ":" + ip + ":" + port + ":" + direction + ":ice=" + (ice ? "yes" : "no");
        }
    }

    private final String callId;
    private final String fromTag;
    private final String toTag;
    private final String dialogId;
    private final String mediaRelay;

    public SipDialog(String callId, String fromTag, String toTag, String dialogId) {
        this(callId, fromTag, toTag, dialogId, "");
    }

    private SipDialog(String callId, String fromTag, String toTag, String dialogId, String mediaRelay) {
        this.callId = callId;
        this.fromTag = fromTag;
        this.toTag = toTag;
        this.dialogId = dialogId;
        this.mediaRelay = mediaRelay;
    }

    /** The same dialog with {@code $avp(mp_media_relay)} set, forcing the dispatcher's choice. */
    public SipDialog forcedRelay(String relayIp) {
        return new SipDialog(callId, fromTag, toTag, dialogId, relayIp);
    }

    public String callId() {
        return callId;
    }

    /** The caller's INVITE (or re-INVITE with a higher CSeq) carrying an offer. */
    public String offer(int cseq, String signalingIp, List<Media> media) {
        return update("request", cseq, "", "Demo caller/1.0", signalingIp, media);
    }

    /** The callee's 2xx carrying the answer. */
    public String answer(int cseq, String signalingIp, List<Media> media) {
        return update("reply", cseq, toTag, "Demo callee/1.0", signalingIp, media);
    }

    public String update(String type, int cseq, String toTagValue, String userAgent, String signalingIp, List<Media> media) {
        return "update\r\n"
                + "type: " + type + "\r\n"
                + "dialog_id: " + dialogId + "\r\n"
                + "call_id: " + callId + "\r\n"
                + "cseq: " + cseq + "\r\n"
                + "from_uri: sip:alice@example.com\r\n"
                + "to_uri: sip:bob@example.com\r\n"
                + "from_tag: " + fromTag + "\r\n"
                + "to_tag: " + toTagValue + "\r\n"
                + "user_agent: " + userAgent + "\r\n"
                + "signaling_ip: " + signalingIp + "\r\n"
                + "media_relay: " + mediaRelay + "\r\n"
                + "media: " + media.stream().map(Media::encode).collect(Collectors.joining(",")) + "\r\n"
                + "\r\n";
    }

    /** What the dialog module sends when the dialog ends. */
    public String remove() {
        return "remove\r\n"
                + "call_id: " + callId + "\r\n"
                + "from_tag: " + fromTag + "\r\n"
                + "to_tag: " + toTag + "\r\n"
                + "\r\n";
    }
}
