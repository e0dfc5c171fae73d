package dev.multikernel.sim.ssh;

/** Where, in the life of a remote command, an injected connection drop happens. */
public enum CommandDrop {
    /** The connection is cut when the command arrives; the command never runs. */
    BEFORE_START,
    /**
     * The command runs to its end on the host, then the connection is cut before its output and exit
     * status reach the client: the host changed, the client cannot know how.
     */
    AFTER_EXIT
}
