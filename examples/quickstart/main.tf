# Quickstart: pools and kernel instances on three simulated multikernel hosts.
#   sim-1, sim-3: the current multikernel kernel interface (pool written by Terraform)
#   sim-2:        the RFC v2 interface (pool reserved at boot with mkkernel_pool=4G)
# Each host has 8 CPUs (0-3 on NUMA node 0, 4-7 on node 1); CPU 0 always stays with the host.
# Run it with scripts/quickstart.sh, which starts the hosts and passes the variables.
terraform {
  required_version = ">= 1.5"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

locals {
  sim = jsondecode(file(var.hosts_file))

  # name => SSH address, interface generation and a kernel image path on that host.
  hosts = {
    for h in local.sim.hosts : h.name => {
      address    = "root@${h.address}:${h.port}"
      generation = h.generation
      kernel     = h.kernelImage
    }
  }
  current = { for name, h in local.hosts : name => h if h.generation == "current" }
}

provider "multikernel" {
  private_key_file  = var.private_key_file
  known_hosts_files = [var.known_hosts_file]
}

# The pool of each current-interface host: CPUs and memory that instances may be given.
resource "multikernel_pool" "current" {
  for_each = local.current

  host = each.value.address
  cpus = "1-7"
  memory = [
    { size = "2GiB", numa_node = 0 },
    { size = "1GiB", numa_node = 1 },
  ]
}

# The RFC v2 host's pool was reserved at boot (mkkernel_pool=4G on its kernel command line): the
# resource adopts it read-only. No cpus, no devices; memory may be left out or state its size.
resource "multikernel_pool" "rfc_v2" {
  host = local.hosts["sim-2"].address
}

# Explicit CPUs (logical numbers, as lscpu shows them), started with the host's test kernel.
resource "multikernel_instance" "web" {
  host    = multikernel_pool.current["sim-1"].host
  name    = "web"
  cpus    = "2-3"
  memory  = "512MiB"
  kernel  = local.hosts["sim-1"].kernel
  cmdline = "console=ttyS1"
}

# Two CPUs chosen by the provider, both on NUMA node 1 where the memory comes from.
resource "multikernel_instance" "batch" {
  host       = multikernel_pool.current["sim-3"].host
  name       = "batch"
  cpu_count  = 2
  cpu_policy = "same_numa_node"
  numa_node  = 1
  memory     = "256MiB"
  kernel     = local.hosts["sim-3"].kernel
}

# Created with its CPUs and memory, no kernel yet.
resource "multikernel_instance" "spare" {
  host          = multikernel_pool.current["sim-3"].host
  name          = "spare"
  cpus          = "1"
  memory        = "128MiB"
  desired_state = "ready"
}

# RFC v2: no pool resource (the boot-time pool is used), no NUMA placement, and no way to stop
# a running instance, so this one is loaded but not started (destroy can then remove it).
resource "multikernel_instance" "edge" {
  host          = multikernel_pool.rfc_v2.host
  name          = "edge"
  cpus          = "1-2"
  memory        = "256MiB"
  kernel        = local.hosts["sim-2"].kernel
  desired_state = "loaded"
}

# Every host as it is after the instances exist.
# Data sources are read at plan time unless they depend on resources with changes: these read
# the hosts after the instances are made, so their outputs are right after the first apply.
data "multikernel_instances" "all" {
  for_each = local.hosts
  host     = each.value.address

  depends_on = [
    multikernel_instance.web,
    multikernel_instance.batch,
    multikernel_instance.spare,
    multikernel_instance.edge,
  ]
}

data "multikernel_host" "all" {
  for_each = local.hosts
  host     = each.value.address

  depends_on = [
    multikernel_instance.web,
    multikernel_instance.batch,
    multikernel_instance.spare,
    multikernel_instance.edge,
  ]
}
