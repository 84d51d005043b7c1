package org.mediaproxy.relay.forwarding.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Start-up checks of the kernel forwarding path. {@link #check} answers whether it works here,
 * and if not, why: the relay then forwards in userspace and logs the reason once.
 */
public final class KernelSupport {

    /** Either available, or not with a reason. */
    public record Result(boolean available, String reason) {

        public static Result ok() {
            return new Result(true, "");
        }

        public static Result unavailable(String reason) {
            return new Result(false, reason);
        }
    }

    private static final int CAP_NET_ADMIN = 12;

    private KernelSupport() {
    }

    /**
     * Runs every check, the self-test included, in the calling thread's network namespace, then
     * removes all it set up (sysctls it had to set stay set). Equivalent to starting and closing
     * {@link KernelForwarding}; a relay simply calls {@link KernelForwarding#start} instead.
     */
    public static Result check(KernelOptions options) {
        try (KernelForwarding forwarding = KernelForwarding.start(options, (entry, counters) -> { })) {
            return Result.ok();
        } catch (KernelUnavailableException e) {
            return Result.unavailable(e.getMessage());
        }
    }

    /** Native libraries and the capability; before anything is opened. */
    static void checkLibrariesAndCapability() throws KernelUnavailableException {
        loadable("libnetfilter_conntrack.so.3", "libnetfilter-conntrack3", LibNetfilterConntrack::load);
        loadable("libnftables.so.1", "libnftables1", LibNftables::load);
        if (!hasCapability(CAP_NET_ADMIN)) {
            throw new KernelUnavailableException("the relay lacks CAP_NET_ADMIN (run it as root or grant the capability)"
                    + ": it cannot create conntrack entries or nftables rules");
        }
    }

    /**
     * The two sysctls the kernel path needs, in the calling thread's network namespace. Run
     * after a conntrack handle is open: that loads nf_conntrack, which brings the second one.
     */
    static void checkSysctls(boolean adjust) throws KernelUnavailableException {
        requireOne("net.ipv4.ip_forward", "forwarded packets would be dropped", adjust);
        requireOne("net.netfilter.nf_conntrack_acct", "traffic counters would stay at zero", adjust);
    }

    private static void requireOne(String key, String consequence, boolean adjust) throws KernelUnavailableException {
        Path file = Path.of("/proc/sys", key.replace('.', '/'));
        try {
            if ("1".equals(Files.readString(file).strip())) {
                return;
            }
            if (!adjust) {
                throw new KernelUnavailableException(key + " is not 1 (" + consequence
                        + "); set it with: sysctl -w " + key + "=1");
            }
            Files.writeString(file, "1\n");
            if (!"1".equals(Files.readString(file).strip())) {
                throw new KernelUnavailableException(key + " stays 0 after writing 1 (" + consequence + ")");
            }
        } catch (NoSuchFileException e) {
            throw new KernelUnavailableException(key + " does not exist (" + file + "): is nf_conntrack available?");
        } catch (IOException e) {
            throw new KernelUnavailableException(key + " is not 1 and cannot be set (" + e.getMessage() + "; "
                    + consequence + "); set it with: sysctl -w " + key + "=1");
        }
    }

    private static boolean hasCapability(int capability) throws KernelUnavailableException {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/thread-self/status"));
            for (String line : status) {
                if (line.startsWith("CapEff:")) {
                    long effective = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (effective & (1L << capability)) != 0;
                }
            }
            throw new KernelUnavailableException("no CapEff line in /proc/thread-self/status");
        } catch (IOException | NumberFormatException e) {
            throw new KernelUnavailableException("cannot read the process capabilities: " + e.getMessage());
        }
    }

    private static void loadable(String library, String debianPackage, Runnable load) throws KernelUnavailableException {
        try {
            load.run();
        } catch (LinkageError | RuntimeException e) {
            throw new KernelUnavailableException(library + " cannot be loaded (install the Debian package "
                    + debianPackage + "): " + e.getMessage(), e);
        }
    }
}
