package dev.multikernel.sim.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The simulated kernel's dmesg: a bounded ring of the lines the real kernel would log. */
final class KernelLog {
    static final int CAPACITY = 2000;
    private final Deque<String> lines = new ArrayDeque<>();

    synchronized void info(String line) {
        add("multikernel: " + line);
    }

    synchronized void warn(String line) {
        add("multikernel: WARNING: " + line);
    }

    synchronized void err(String line) {
        add("multikernel: ERROR: " + line);
    }

    private void add(String line) {
        if (lines.size() == CAPACITY) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(new ArrayList<>(lines));
    }

    synchronized void clear() {
        lines.clear();
    }
}
