# Overlay transactions are imported as "<host>:<N>" for /sys/fs/multikernel/overlays/tx_N.
# Transactions written by other tools can be imported when they use only the operations
# this resource writes; the configuration must then say the same thing.
terraform import multikernel_overlay.burst_cpus admin@10.0.0.5:7
