package org.mediaproxy.dispatcher.accounting;

/**
 * A backend will never accept this record (bad data, a conflicting row). Retrying cannot help, so
 * the record is moved out of the way into the spool's {@code rejected} directory instead of
 * blocking every record behind it.
 */
public class RejectedRecordException extends Exception {

    public RejectedRecordException(String message) {
        super(message);
    }

    public RejectedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
