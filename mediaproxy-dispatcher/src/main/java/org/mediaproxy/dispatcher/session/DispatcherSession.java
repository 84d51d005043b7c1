package org.mediaproxy.dispatcher.session;

import java.time.Instant;

/**
 * What the dispatcher remembers about a call: which relay carries it and the OpenSIPS dialog id.
 *
 * @param dialogId  OpenSIPS dialog id as the module sent it (decimal text), null in script mode
 * @param expiredAt set once the relay expired the session and OpenSIPS was asked to end the
 *                  dialog; the session is then kept only to answer the coming {@code remove}
 * @param adopted   learnt from a relay's {@code sessions} answer rather than created here (after a
 *                  dispatcher restart); confirmed by the next request OpenSIPS sends for it
 */
public record DispatcherSession(String callId, String relayIp, String dialogId, Instant expiredAt, boolean adopted) {

    public static DispatcherSession created(String callId, String relayIp, String dialogId) {
        return new DispatcherSession(callId, relayIp, dialogId, null, false);
    }

    public static DispatcherSession adopted(String callId, String relayIp) {
        return new DispatcherSession(callId, relayIp, null, null, true);
    }

    public boolean isExpired() {
        return expiredAt != null;
    }

    public DispatcherSession expired(Instant when) {
        return new DispatcherSession(callId, relayIp, dialogId, when, adopted);
    }

    /** OpenSIPS sent a request for it, so it is ours; a dialog id learnt on the way is kept. */
    public DispatcherSession confirmed(String newDialogId) {
        return new DispatcherSession(callId, relayIp, dialogId != null ? dialogId : newDialogId, expiredAt, false);
    }
}
