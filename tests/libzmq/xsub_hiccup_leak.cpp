// libzmq leaks the frames of a multi-part message that an XSUB socket has half sent when its
// connection drops: on reconnect the session "hiccups" the pipe (session_base_t::reconnect, for
// SUB, XSUB and DISH), and pipe_t::process_hiccup closes only the complete messages of the old
// pipe before deleting it; the frames of the unfinished one are freed with the pipe's memory,
// never closed (libzmq 4.3.4, as Debian 12 ships it, and master as of 2026-12). No zpipe code.
// Under LeakSanitizer this program reports "Direct leak of 240 byte(s) in 1 object(s)",
// allocated in zmq_send; run with the argument `control` (no reconnect) it reports nothing.
// tests/CMakeLists.txt runs both under the asan preset, so that the day Debian's libzmq stops
// leaking, a test says so and tests/support/unchecked_for_leaks.hpp can go.
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

int main(int argc, char**) {
  const bool reconnect = argc == 1;
  void* server_context = zmq_ctx_new();
  void* pub = zmq_socket(server_context, ZMQ_PUB);
  assert(zmq_bind(pub, "tcp://127.0.0.1:*") == 0);
  char endpoint[256];
  size_t size = sizeof endpoint;
  zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &size);

  void* context = zmq_ctx_new();
  void* xsub = zmq_socket(context, ZMQ_XSUB);
  int linger = 0;
  zmq_setsockopt(xsub, ZMQ_LINGER, &linger, sizeof linger);
  assert(zmq_connect(xsub, endpoint) == 0);
  usleep(200'000);  // connected

  // The first frame of two; 200 bytes is above the size kept inside the message, so it is
  // allocated.
  char frame[200];
  memset(frame, 'x', sizeof frame);
  assert(zmq_send(xsub, frame, sizeof frame, ZMQ_SNDMORE) == sizeof frame);

  if (reconnect) {  // the server goes away: the XSUB's session reconnects and hiccups the pipe
    zmq_close(pub);
    zmq_ctx_term(server_context);
  }
  usleep(300'000);
  // The next send takes the hiccup first: the first frame is dropped without being closed.
  assert(zmq_send(xsub, frame, sizeof frame, 0) == sizeof frame);
  zmq_close(xsub);
  zmq_ctx_term(context);
  if (!reconnect) {
    zmq_close(pub);
    zmq_ctx_term(server_context);
  }
  return 0;
}
