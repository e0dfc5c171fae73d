package dev.multikernel.host.ssh;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.common.session.SessionContext;

/** The agent of a connection configured without one: it holds no keys. */
final class NoAgent implements SshAgent {

    @Override
    public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() {
        return List.of();
    }

    @Override
    public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algo, byte[] data) {
        throw new UnsupportedOperationException("no ssh-agent is configured for this connection");
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) {
        throw new UnsupportedOperationException("no ssh-agent is configured for this connection");
    }

    @Override
    public void removeIdentity(PublicKey key) {
        throw new UnsupportedOperationException("no ssh-agent is configured for this connection");
    }

    @Override
    public void removeAllIdentities() {
        throw new UnsupportedOperationException("no ssh-agent is configured for this connection");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {}
}
