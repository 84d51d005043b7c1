package org.mediaproxy.dispatcher.mi;

/** Asks OpenSIPS to end a dialog (BYE to both sides); fire and forget, outcome logged. */
@FunctionalInterface
public interface DialogEnder {

    /** @param dialogId the dialog id as the module reported it (decimal) */
    void endDialog(String callId, String dialogId);
}
