package org.mediaproxy.relay.forwarding.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * JNR-FFI binding of libnftables (Debian {@code libnftables1}): the library behind the
 * {@code nft} command. Running a command through it costs about 0.2 ms, against about 11 ms
 * for starting {@code nft} as a process.
 */
public interface LibNftables {

    int NFT_CTX_DEFAULT = 0;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    /** Collects command output in a buffer instead of printing it to stdout. */
    int nft_ctx_buffer_output(Pointer ctx);

    /** Collects error messages in a buffer instead of printing them to stderr. */
    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    /** Runs a whole buffer of commands as one atomic transaction; 0 on success. */
    int nft_run_cmd_from_buffer(Pointer ctx, String buffer);

    static LibNftables load() {
        return LibraryLoader.create(LibNftables.class).failImmediately().load("libnftables.so.1");
    }
}
