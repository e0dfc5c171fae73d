package dev.multikernel.provider.config;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.Validators;

/** The provider block: SSH defaults for every host the configuration names. */
public final class ProviderConfigSchema {
    public static final String USER = "user";
    public static final String PORT = "port";
    public static final String PRIVATE_KEY = "private_key";
    public static final String PRIVATE_KEY_FILE = "private_key_file";
    public static final String PRIVATE_KEY_PASSPHRASE = "private_key_passphrase";
    public static final String USE_AGENT = "use_agent";
    public static final String KNOWN_HOSTS_FILES = "known_hosts_files";
    public static final String HOST_KEY_PINS = "host_key_pins";
    public static final String HOST_KEY_POLICY = "host_key_policy";
    public static final String PROXY_JUMP = "proxy_jump";
    public static final String HOST = "host";
    public static final String USE_SSH_CONFIG = "use_ssh_config";
    public static final String SUDO = "sudo";
    public static final String CONNECT_TIMEOUT = "connect_timeout";
    public static final String COMMAND_TIMEOUT = "command_timeout";
    public static final String HELPER_DIRECTORY = "helper_directory";
    public static final String PER_HOST_CONCURRENCY = "per_host_concurrency";

    public static final String POLICY_STRICT = "strict";
    public static final String POLICY_ACCEPT_NEW = "accept-new";

    private ProviderConfigSchema() {}

    public static Block block() {
        return Block.builder()
                .markdownDescription("""
                        The **multikernel** provider manages Linux multikernel hosts over SSH: a host's pool of \
                        CPUs, memory and PCI devices (`multikernel_pool`), the kernel instances that run on it \
                        (`multikernel_instance`) and raw device-tree overlay transactions \
                        (`multikernel_overlay`), on hosts of both kernel interface generations. Every instance \
                        aimed at one host is checked together at plan time, every update says whether it is \
                        live, restarts the instance or replaces it, and changes made behind Terraform's back \
                        show as drift. The data sources read a host's whole state (interface generation, CPUs, \
                        pool, instances, loaded kernels) in one round trip.

                        Hosts are named by each resource and data source (`host = "admin@10.0.0.5:22"`); the \
                        settings here are the SSH defaults for all of them. Credentials set here are never \
                        stored in state and never logged. Host keys are checked strictly against \
                        `known_hosts` by default.

                        The provider also offers functions for the small languages of the domain: CPU lists \
                        such as `"4-7,10"` and sizes such as `"1.5GiB"`.""")
                .attribute(
                        Attribute.string(USER)
                                .optional()
                                .markdownDescription(
                                        "Login user for hosts that do not name one (`user@host`). Default: "
                                                + "from `~/.ssh/config` when `use_ssh_config` is set, else the user running Terraform."))
                .attribute(Attribute.number(PORT)
                        .optional()
                        .validators(Validators.wholeNumberBetween(1, 65535))
                        .markdownDescription("SSH port for hosts that do not name one (`host:port`). Default: 22."))
                .attribute(Attribute.string(PRIVATE_KEY)
                        .optional()
                        .sensitive()
                        .markdownDescription("A private key (the text of an OpenSSH or PEM key file: ed25519, "
                                + "ECDSA or RSA), for example from a CI secret. Conflicts with `private_key_file`."))
                .attribute(Attribute.string(PRIVATE_KEY_FILE)
                        .optional()
                        .markdownDescription("Path of a private key file (`~` is the home directory). Conflicts "
                                + "with `private_key`."))
                .attribute(Attribute.string(PRIVATE_KEY_PASSPHRASE)
                        .optional()
                        .sensitive()
                        .markdownDescription("Passphrase of an encrypted `private_key` or `private_key_file`."))
                .attribute(Attribute.bool(USE_AGENT)
                        .optional()
                        .markdownDescription("Use the keys of the ssh-agent named by `SSH_AUTH_SOCK`. Default: "
                                + "`true`. With no key and no agent, the default key files (`~/.ssh/id_ed25519`, "
                                + "`id_ecdsa`, `id_rsa`) are tried."))
                .attribute(Attribute.of(KNOWN_HOSTS_FILES, CtyType.list(CtyType.STRING))
                        .optional()
                        .markdownDescription("OpenSSH `known_hosts` files to check host keys against. Default: "
                                + "`[\"~/.ssh/known_hosts\"]`. With `host_key_policy = \"accept-new\"` new keys "
                                + "are added to the first one."))
                .attribute(Attribute.of(HOST_KEY_PINS, CtyType.map(CtyType.STRING))
                        .optional()
                        .markdownDescription("Host keys pinned per host address: `{ \"10.0.0.5\" = "
                                + "\"SHA256:...\" }` (as `ssh-keygen -lf` prints them). A pinned host accepts only "
                                + "that key, whatever the `known_hosts` files say."))
                .attribute(Attribute.string(HOST_KEY_POLICY)
                        .optional()
                        .validators(Validators.oneOf(POLICY_STRICT, POLICY_ACCEPT_NEW))
                        .markdownDescription("`strict` (default): an unknown or changed host key is an error. "
                                + "`accept-new`: the key of a host never seen before is recorded in the first "
                                + "`known_hosts_files` file and accepted (trust on first use), by a plan too, which "
                                + "then warns that it did; a changed key is still an error."))
                .block(
                        PROXY_JUMP,
                        Nesting.SINGLE,
                        Block.builder()
                                .markdownDescription(
                                        "A bastion host to connect through (as OpenSSH's `ProxyJump`). Its "
                                                + "host key is checked like the others'.")
                                .attribute(Attribute.string(HOST)
                                        .required()
                                        .markdownDescription(
                                                "The bastion: `address`, `user@address` or `user@address:port`."))
                                .attribute(Attribute.string(USER)
                                        .optional()
                                        .markdownDescription(
                                                "Login user on the bastion. Default: the provider's `user`."))
                                .attribute(Attribute.number(PORT)
                                        .optional()
                                        .validators(Validators.wholeNumberBetween(1, 65535))
                                        .markdownDescription("SSH port of the bastion. Default: 22."))
                                .attribute(Attribute.string(PRIVATE_KEY)
                                        .optional()
                                        .sensitive()
                                        .markdownDescription(
                                                "Private key text for the bastion. Default: the provider's "
                                                        + "credentials."))
                                .attribute(Attribute.string(PRIVATE_KEY_FILE)
                                        .optional()
                                        .markdownDescription("Private key file for the bastion."))
                                .build())
                .attribute(Attribute.bool(USE_SSH_CONFIG)
                        .optional()
                        .markdownDescription("Read `~/.ssh/config` (`HostName`, `User`, `Port`, `IdentityFile`, "
                                + "`ProxyJump`) as `ssh` does; explicit settings win. Default: `false`."))
                .attribute(Attribute.bool(SUDO)
                        .optional()
                        .markdownDescription(
                                "Run the helper with `sudo -n` when the login user is not root. " + "Default: `true`."))
                .attribute(Attribute.string(CONNECT_TIMEOUT)
                        .optional()
                        .markdownDescription(
                                "Limit for connecting and authenticating, such as `\"15s\"`. " + "Default: `\"15s\"`."))
                .attribute(Attribute.string(COMMAND_TIMEOUT)
                        .optional()
                        .markdownDescription(
                                "Limit for one state read on a host, such as `\"1m\"`. " + "Default: `\"1m\"`."))
                .attribute(Attribute.string(HELPER_DIRECTORY)
                        .optional()
                        .markdownDescription("Directory on each host where the provider uploads its helper "
                                + "`mkctl` (checked by SHA-256 before every use); relative to the login "
                                + "user's home. Default: `\".cache/multikernel\"`."))
                .attribute(Attribute.number(PER_HOST_CONCURRENCY)
                        .optional()
                        .validators(Validators.wholeNumberBetween(1, 10))
                        .markdownDescription(
                                "Commands run at once on one host (over one SSH connection). " + "Default: 4."))
                .build();
    }
}
