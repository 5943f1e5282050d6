# Workload W for the peer benchmark (bench/peers.py), identical to
# bench/workload/pallet/specs/workload.yaml and bench/workload/ansible/playbook.yml.
# Run from this folder: pyinfra INVENTORY deploy.py -y --sudo
from io import StringIO

from pyinfra.operations import apt, files, server

SITE = "bench.example.org"

apt.packages(name="package already installed", packages=["coreutils"])

files.directory(name="directory", path="/opt/bench", mode="755")

for i in range(1, 6):
    server.group(name=f"group benchg{i}", group=f"benchg{i}")

for i in range(1, 6):
    server.user(
        name=f"user benchu{i}",
        user=f"benchu{i}",
        group=f"benchg{i}",
        shell="/bin/bash",
        home=f"/home/benchu{i}",
        create_home=True,
    )

for i in range(1, 51):
    files.put(
        name=f"file f{i:02d}",
        src=StringIO(f"bench file {i:02d}\n"),
        dest=f"/opt/bench/f{i:02d}.txt",
        mode="644",
    )

site1 = files.template(
    name="templated file 1 (notifies the handler)",
    src="../templates/site1.conf",
    dest="/opt/bench/site1.conf",
    mode="644",
    site=SITE,
)

for i in (2, 3):
    files.template(
        name=f"templated file {i}",
        src=f"../templates/site{i}.conf",
        dest=f"/opt/bench/site{i}.conf",
        mode="644",
        site=SITE,
    )

# The handler: pyinfra has no handlers; _if runs the op only when site1 changed.
server.shell(name="reload", commands=["touch /opt/bench/reloaded"], _if=site1.did_change)
