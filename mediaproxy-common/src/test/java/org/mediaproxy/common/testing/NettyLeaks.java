package org.mediaproxy.common.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector at PARANOID level (every buffer tracked), with reports collected here
 * instead of only logged, so that a fuzz test fails on a leaked buffer. Leaks are found when the
 * garbage collector reclaims an unreleased buffer, so a report may come one input late.
 */
public final class NettyLeaks {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType);
                    }
                };
            }
        });
    }

    private NettyLeaks() {
    }

    /** Installs the detector; call before the first buffer is allocated. */
    public static void install() {
        // the static initialiser does the work
    }

    /** Fails if any leak has been reported so far. */
    public static void assertNone() {
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty buffer leak: " + LEAKS.get(0));
        }
    }
}
