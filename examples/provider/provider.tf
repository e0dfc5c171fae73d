terraform {
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

# SSH defaults for every host that resources and data sources name. A host attribute
# ("admin@10.0.0.5:2222") overrides the user and port given here.
provider "multikernel" {
  user             = "admin"
  private_key_file = "~/.ssh/id_ed25519"

  # Host keys are checked strictly against these files (default: ~/.ssh/known_hosts).
  # Add hosts with: ssh-keyscan -p 22 10.0.0.5 >> ~/.ssh/known_hosts
  known_hosts_files = ["~/.ssh/known_hosts"]

  # Or pin a host's key by its fingerprint (ssh-keygen -lf prints it).
  # host_key_pins = {
  #   "10.0.0.6" = "SHA256:..."
  # }

  # Run the helper with `sudo -n` when the user is not root.
  sudo = true

  connect_timeout = "15s"
  command_timeout = "1m"

  # Through a bastion, as ssh -J would:
  # proxy_jump {
  #   host = "jump@bastion.example.com"
  # }
}
