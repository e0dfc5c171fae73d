# An instance made outside Terraform (by kerf, or by hand) is imported as HOST:NAME,
# with HOST written as the resource's host attribute writes it.
terraform import multikernel_instance.web admin@10.0.0.5:web
