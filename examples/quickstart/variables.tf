# Paths the quickstart script passes in (TF_VAR_...). They all come from the state directory of a
# running simulator (multikernel-sim start --state-dir DIR): DIR/id_ed25519, DIR/known_hosts,
# DIR/hosts.json. For real hosts, replace local.hosts in main.tf with your own addresses.

variable "private_key_file" {
  type        = string
  description = "SSH private key every host accepts (the simulator's DIR/id_ed25519)."
}

variable "known_hosts_file" {
  type        = string
  description = "known_hosts file holding every host's key (the simulator's DIR/known_hosts)."
}

variable "hosts_file" {
  type        = string
  description = "The simulator's DIR/hosts.json: host names, SSH ports, interface generations, kernel image paths."
}
