package org.mediaproxy.dispatcher;

/** OpenSIPS requests in the module's exact layout (opensips-protocol.md §3, §5). */
final class Requests {

    private Requests() {
    }

    static String invite(String callId, String dialogId, String mediaRelay) {
        return update("request", callId, "1", "caller-tag", "", dialogId, mediaRelay, "audio:198.51.100.7:4000:sendrecv:ice=no");
    }

    static String answer(String callId, String dialogId) {
        return update("reply", callId, "1", "caller-tag", "callee-tag", dialogId, "", "audio:192.0.2.44:5004:sendrecv:ice=no");
    }

    static String reinvite(String callId, String dialogId, String cseq) {
        return update("request", callId, cseq, "caller-tag", "callee-tag", dialogId, "", "audio:198.51.100.7:4000:sendonly:ice=no");
    }

    static String update(String type, String callId, String cseq, String fromTag, String toTag, String dialogId,
            String mediaRelay, String media) {
        return "update\r\n"
                + "type: " + type + "\r\n"
                + "dialog_id: " + (dialogId == null ? "" : dialogId) + "\r\n"
                + "call_id: " + callId + "\r\n"
                + "cseq: " + cseq + "\r\n"
                + "from_uri: sip:alice@example.com\r\n"
                + "to_uri: sip:bob@example.com\r\n"
                + "from_tag: " + fromTag + "\r\n"
                + "to_tag: " + toTag + "\r\n"
                + "user_agent: Blink 5.1\r\n"
                + "signaling_ip: 198.51.100.7\r\n"
                + "media_relay: " + (mediaRelay == null ? "" : mediaRelay) + "\r\n"
                + "media: " + media + "\r\n"
                + "\r\n";
    }

    static String remove(String callId) {
        return "remove\r\ncall_id: " + callId + "\r\nfrom_tag: caller-tag\r\nto_tag: callee-tag\r\n\r\n";
    }
}
