/*
 * answer-only: the least an OpenFlow 1.0 controller can do, as the ceiling of a benchmark run. It answers every
 * packet-in with the smallest answer the load generator counts, a 24-byte packet-out of the packet-in's buffer id
 * flooded (what a learning controller sends for a pair it has already set a flow up for), echo requests with echo
 * replies, and a features reply with a barrier (so the load generator sees the switch programmed); it learns nothing
 * and decodes nothing else. What it costs per answer is the kernel's part of a round trip and almost nothing more, so
 * the rate the load generator reaches against it is about the most any controller could reach on the same machine
 * and CPUs (not a strict bound: the generator's own speed varies from one process to the next). By default it polls
 * its sockets without ever sleeping (a whole CPU for itself), so the generator's sends never have to wake it up: the
 * best any controller could do for the generator. With "sleep" it waits in epoll like a controller does, and its CPU
 * time is then what an answer costs with no work in user space.
 *
 *   cc -O2 -o answer-only answer-only.c && ./answer-only 16653 [poll|sleep]     (listens on 127.0.0.1 only)
 *
 * bench/run-comparison.sh (polling) and bench/cost-per-answer.sh (sleeping) build and run it next to the two
 * controllers in latency mode, when a C compiler is installed. It is not meant for throughput mode: it waits on a
 * switch whose socket is full, and the others wait.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FD 65536
#define OFP_10 1
#define OFPT_ECHO_REQUEST 2
#define OFPT_ECHO_REPLY 3
#define OFPT_FEATURES_REPLY 6
#define OFPT_PACKET_IN 10
#define OFPT_PACKET_OUT 13
#define OFPT_BARRIER_REQUEST 18
#define PACKET_OUT_LEN 24 /* header 8, buffer id 4, in_port 2, actions length 2, one output action 8 */

struct conn {
  int len;
  unsigned char in[65536 + 8]; /* one whole message at most (OpenFlow's length field is 16 bits) plus a header */
};

static struct conn *conns[MAX_FD];
static unsigned char packet_out[PACKET_OUT_LEN];

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }

static int send_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EAGAIN) {
      struct pollfd pf = {.fd = fd, .events = POLLOUT};
      poll(&pf, 1, 1000); /* a peer that stops reading stalls only this tool: it is a benchmark instrument */
      continue;
    }
    if (w < 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void drop(int ep, int fd) {
  epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
  close(fd);
  free(conns[fd]);
  conns[fd] = NULL;
}

/* Answers every whole message in c->in; keeps a partial one. Returns -1 when the stream is not OpenFlow 1.0. */
static int answer(int fd, struct conn *c) {
  static unsigned char out[1 << 17];
  size_t on = 0, off = 0;
  while (c->len - off >= 8) {
    unsigned char *m = c->in + off;
    size_t len = ((size_t)m[2] << 8) | m[3];
    if (m[0] != OFP_10 || len < 8) return -1;
    if (c->len - off < len) break;
    if (on + PACKET_OUT_LEN + len > sizeof out) {
      if (send_all(fd, out, on) < 0) return -1;
      on = 0;
    }
    if (m[1] == OFPT_PACKET_IN && len >= 18) {
      memcpy(out + on, packet_out, PACKET_OUT_LEN);
      memcpy(out + on + 4, m + 4, 4);   /* xid */
      memcpy(out + on + 8, m + 8, 4);   /* buffer_id */
      memcpy(out + on + 12, m + 14, 2); /* in_port */
      on += PACKET_OUT_LEN;
    } else if (m[1] == OFPT_ECHO_REQUEST) {
      memcpy(out + on, m, len);
      out[on + 1] = OFPT_ECHO_REPLY;
      on += len;
    } else if (m[1] == OFPT_FEATURES_REPLY) {
      unsigned char barrier[8] = {OFP_10, OFPT_BARRIER_REQUEST, 0, 8, 0, 0, 0, 3};
      memcpy(out + on, barrier, 8);
      on += 8;
    }
    off += len;
  }
  memmove(c->in, c->in + off, c->len - off);
  c->len -= (int)off;
  return on > 0 ? send_all(fd, out, on) : 0;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 16653, one = 1;
  int wait_ms = argc > 2 && strcmp(argv[2], "sleep") == 0 ? -1 : 0;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 1024) < 0) {
    perror("answer-only: listen");
    return 1;
  }
  /* OpenFlow 1.0 packet-out: one output action, to OFPP_FLOOD */
  packet_out[0] = OFP_10;
  packet_out[1] = OFPT_PACKET_OUT;
  put16(packet_out + 2, PACKET_OUT_LEN);
  put16(packet_out + 14, 8);
  put16(packet_out + 18, 8);
  put16(packet_out + 20, 0xfffb);

  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  fprintf(stderr, "answer-only: listening on 127.0.0.1:%d, %s\n", port, wait_ms ? "sleeping in epoll" : "polling");
  struct epoll_event ready[256];
  for (;;) {
    int n = epoll_wait(ep, ready, 256, wait_ms);
    if (n < 0 && errno != EINTR) {
      perror("answer-only: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      int fd = ready[i].data.fd;
      if (fd == ls) {
        int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
        if (c < 0) continue;
        if (c >= MAX_FD) {
          close(c);
          continue;
        }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[c] = calloc(1, sizeof(struct conn));
        struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
        unsigned char hello_and_features[16] = {OFP_10, 0, 0, 8, 0, 0, 0, 1, OFP_10, 5, 0, 8, 0, 0, 0, 2};
        if (conns[c] == NULL || epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce) < 0 || send_all(c, hello_and_features, 16) < 0) {
          free(conns[c]);
          conns[c] = NULL;
          close(c);
        }
        continue;
      }
      struct conn *c = conns[fd];
      ssize_t r = recv(fd, c->in + c->len, sizeof c->in - (size_t)c->len, 0);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        drop(ep, fd);
        continue;
      }
      c->len += (int)r;
      if (answer(fd, c) < 0) drop(ep, fd);
    }
  }
}
