package org.mediaproxy.common.config;

/**
 * The relay's media port range {@code start:end}: both even, within [1024, 65536], start below
 * end. Port pairs (RTP on the even port, RTCP on the next) start at {@code start, start+2, ...}
 * up to {@code end-2}.
 */
public record PortRange(int start, int end) {

    public static final int LOWEST = 1024;
    public static final int HIGHEST = 65536;

    public PortRange {
        if (start < LOWEST || start > HIGHEST || end < LOWEST || end > HIGHEST) {
            throw new IllegalArgumentException("ports must be within [" + LOWEST + ", " + HIGHEST + "]");
        }
        if (start % 2 != 0) {
            throw new IllegalArgumentException("start port must be even");
        }
        if (end % 2 != 0) {
            throw new IllegalArgumentException("end port must be even");
        }
        if (start >= end) {
            throw new IllegalArgumentException("start port must be lower than end port");
        }
    }

    /**
     * Parses {@code start:end}.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static PortRange parse(String value) {
        String[] parts = value.strip().split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected start:end");
        }
        return new PortRange(port(parts[0]), port(parts[1]));
    }

    private static int port(String text) {
        String digits = text.strip();
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected start:end with decimal port numbers");
        }
        return Integer.parseInt(digits);
    }

    /** Number of RTP/RTCP port pairs in the range. */
    public int pairCount() {
        return (end - start) / 2;
    }

    @Override
    public String toString() {
        return start + ":" + end;
    }
}
