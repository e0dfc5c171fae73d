# A web server kernel on CPUs 4-7 of node 1, running. CPU numbers are logical, as lscpu shows them.
resource "multikernel_instance" "web" {
  host    = "admin@10.0.0.5"
  name    = "web"
  cpus    = "4-7"
  memory  = "2GiB"
  kernel  = "/boot/vmlinuz-6.12-mk"
  initrd  = "/boot/initrd-6.12-mk.img"
  cmdline = "console=ttyS1 root=/dev/vda1"

  # A new kernel, initrd or command line stops the running instance; say that is fine.
  allow_restart = true
  halt_timeout  = "1m"
  force_halt    = true
}

# Four CPUs chosen by the provider from one NUMA node, kept once chosen;
# created and loaded, started later by setting desired_state = "active".
resource "multikernel_instance" "batch" {
  host          = "admin@10.0.0.5"
  name          = "batch"
  cpu_count     = 4
  cpu_policy    = "same_numa_node"
  memory        = "1GiB"
  numa_node     = 0
  kernel        = "/boot/vmlinuz-6.12-mk"
  desired_state = "loaded"

  devices = [
    { address = "0000:03:00.0", driver = "vfio-pci" },
  ]
}
