/*
 * testhost-bind.so: preloaded inside a test host started with `testhost up --own-address`.
 *
 * Test hosts share the machine's network namespace, so two daemons that listen on 0.0.0.0:80 (nginx
 * on web-1 and web-2) would collide, where on two VMs each has its own network stack. This shim
 * makes a listening socket bound to 0.0.0.0 with a port bind the host's own loopback address
 * (read from /etc/testhost-address) instead, which is what the daemon would reach on a VM of its
 * own. A bind to port 0 (a client choosing its source) is left alone, as is every other address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static in_addr_t own_address(void) {
    static in_addr_t cached = INADDR_NONE;
    static int loaded;
    if (!loaded) {
        char line[64] = {0};
        FILE *file = fopen("/etc/testhost-address", "re");
        if (file) {
            if (fgets(line, sizeof line, file)) {
                line[strcspn(line, "\n")] = 0;
                cached = inet_addr(line);
            }
            fclose(file);
        }
        loaded = 1;
    }
    return cached;
}

typedef int (*socket_call)(int, const struct sockaddr *, socklen_t);

/* Calls the real NAME with ADDRESS, or with the host's own address when ADDRESS is 0.0.0.0:PORT. */
static int with_own_address(const char *name, int fd, const struct sockaddr *address, socklen_t length) {
    socket_call real = (socket_call)dlsym(RTLD_NEXT, name);
    if (address && address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in copy;
        memcpy(&copy, address, sizeof copy);
        in_addr_t own = own_address();
        if (copy.sin_addr.s_addr == htonl(INADDR_ANY) && copy.sin_port != 0 && own != INADDR_NONE) {
            copy.sin_addr.s_addr = own;
            return real(fd, (const struct sockaddr *)&copy, sizeof copy);
        }
    }
    return real(fd, address, length);
}

int bind(int fd, const struct sockaddr *address, socklen_t length) { return with_own_address("bind", fd, address, length); }

int connect(int fd, const struct sockaddr *address, socklen_t length) { return with_own_address("connect", fd, address, length); }
