# Overlay transactions are imported as "<host>:<N>" for /sys/fs/multikernel/overlays/tx_N.
import {
  to = multikernel_overlay.burst_cpus
  id = "admin@10.0.0.5:7"
}
