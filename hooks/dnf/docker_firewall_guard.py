# docker-firewall-guard's dnf 4 plugin (also yum on EL 8 and later): after each transaction,
# tells `docker-firewall-guard after-transaction` which packages it changed and how. The
# command decides; it prints a line only when it acted or found something wrong, and this
# plugin shows that line. Never raises into dnf.
import logging
import subprocess

import dnf
import dnf.transaction

COMMAND = "/usr/sbin/docker-firewall-guard"
logger = logging.getLogger("dnf.plugin")

# The package that came in names an upgrade, downgrade or reinstall; the one that left
# (PKG_UPGRADED and the like) would only repeat it.
ACTIONS = {
    dnf.transaction.PKG_INSTALL: "install",
    dnf.transaction.PKG_OBSOLETE: "install",
    dnf.transaction.PKG_UPGRADE: "upgrade",
    dnf.transaction.PKG_DOWNGRADE: "downgrade",
    dnf.transaction.PKG_REINSTALL: "reinstall",
    dnf.transaction.PKG_REMOVE: "remove",
    dnf.transaction.PKG_OBSOLETED: "remove",
}


class DockerFirewallGuard(dnf.Plugin):
    name = "docker-firewall-guard"

    def transaction(self):
        try:
            # Another root's firewall is not this host's; a test transaction changed nothing.
            if self.base.conf.installroot != "/" or "test" in self.base.conf.tsflags:
                return
            changed = sorted({"%s:%s" % (item.pkg.name, ACTIONS[item.action])
                              for item in self.base.transaction if item.action in ACTIONS})
            if not changed:
                return
            done = subprocess.run([COMMAND, "after-transaction", "--changed"] + changed,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True, check=False)
            for line in done.stdout.splitlines():
                line = line.replace("docker-firewall-guard: ", "")
                logger.info("docker-firewall-guard: %s", line)
        except Exception as e:  # dnf's transaction is done; ours must not break it
            logger.warning("docker-firewall-guard: dnf plugin: %s", e)
