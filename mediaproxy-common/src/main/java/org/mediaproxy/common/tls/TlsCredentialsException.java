package org.mediaproxy.common.tls;

import java.nio.file.Path;

/** A credential file is missing, unreadable or unusable; the message names the file and the reason. */
public final class TlsCredentialsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    TlsCredentialsException(Path file, String problem) {
        super("TLS credential file " + file + " " + problem);
        this.file = file;
    }

    TlsCredentialsException(Path file, String problem, Throwable cause) {
        super("TLS credential file " + file + " " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
