"""A sitecustomize body that makes every DNS look-up of a subprocess fail and logs it
(numeric addresses pass: they are no look-up). The log path is NEWSCRAWL_TEST_DNS_LOG."""

DNS_GUARD = '''
import ipaddress, os, socket
LOG = os.environ["NEWSCRAWL_TEST_DNS_LOG"]

def _guard(name, real):
    def lookup(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)  # a numeric address (Redis on 127.0.0.1) is no look-up
            return real(host, *args, **kwargs)
        except ValueError:
            pass
        with open(LOG, "a") as fh:
            fh.write(f"{name} {host}\\n")
        raise socket.gaierror(socket.EAI_NONAME, "DNS is switched off in this test")
    return lookup

for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
    setattr(socket, _name, _guard(_name, getattr(socket, _name)))
'''
