package org.mediaproxy.e2e;

import java.util.List;
import java.util.concurrent.Callable;
import org.mediaproxy.relay.testing.Namespace;

/**
 * Where the daemons run: this machine's network namespace, or a namespace of a
 * {@code NetnsFixture}. Their UNIX sockets and files are reachable from anywhere; their TCP ports
 * (management) only from inside, which is what {@link #call} is for.
 */
interface Site {

    /** Runs the daemons directly, reachable on this namespace's loopback. */
    Site HOST = new Site() {
        @Override
        public List<String> commandPrefix() {
            return List.of();
        }

        @Override
        public <T> T call(Callable<T> task) throws Exception {
            return task.call();
        }
    };

    /** This machine's namespace, with the launchers running the daemons on the JVM {@code java}. */
    static Site hostWithJava(java.nio.file.Path java) {
        return new Site() {
            @Override
            public List<String> commandPrefix() {
                return List.of("env", "JAVA=" + java);
            }

            @Override
            public <T> T call(Callable<T> task) throws Exception {
                return task.call();
            }
        };
    }

    /** Prepended to a daemon's command line ({@code ip netns exec <name>}, or nothing). */
    List<String> commandPrefix();

    /** Runs {@code task} on a thread inside the site, so the sockets it opens belong there. */
    <T> T call(Callable<T> task) throws Exception;

    static Site in(Namespace namespace) {
        return new Site() {
            @Override
            public List<String> commandPrefix() {
                return List.of("ip", "netns", "exec", namespace.name());
            }

            @Override
            public <T> T call(Callable<T> task) throws Exception {
                // Carried out of the namespace's thread as a value, so callers see their own
                // checked exceptions (e.g. a management port that is not up yet).
                Exception[] failure = new Exception[1];
                T result = namespace.call(() -> {
                    try {
                        return task.call();
                    } catch (Exception e) {
                        failure[0] = e;
                        return null;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                return result;
            }
        };
    }
}
