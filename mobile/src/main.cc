// mcrm-app: the Qt Quick app for field reps.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QSocketNotifier>
#include <cstdio>

#include "app_setup.h"
#include "mcrm/endpoint.h"
#include "server_link.h"

namespace {

int g_signal_pipe[2] = {-1, -1};

// Async-signal-safe: only writes a byte; the event loop reads it and quits cleanly.
void OnStopSignal(int) {
  const char byte = 1;
  [[maybe_unused]] auto written = write(g_signal_pipe[0], &byte, 1);
}

}  // namespace

int main(int argc, char** argv) {
  // Without a display there is nothing to draw on: run offscreen and say so.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
      qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    std::fprintf(stderr, "mcrm-app: no display found, running on the offscreen platform\n");
  }

  QGuiApplication app(argc, argv);
  QGuiApplication::setApplicationName(QStringLiteral("mcrm-app"));
  QGuiApplication::setOrganizationName(QStringLiteral("M-CRM"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("M-CRM field app"));
  parser.addHelpOption();
  QCommandLineOption server_option(
      QStringLiteral("server"), QStringLiteral("mcrm-server address, host:port."),
      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:%1").arg(mcrm::kDefaultServerPort));
  parser.addOption(server_option);
  parser.process(app);

  auto endpoint =
      mcrm::ParseEndpoint(parser.value(server_option).toStdString(), /*allow_any_port=*/false);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "mcrm-app: --server: %s\n",
                 std::string(endpoint.status().message()).c_str());
    return 2;
  }

  if (socketpair(AF_UNIX, SOCK_STREAM, 0, g_signal_pipe) != 0) {
    std::perror("mcrm-app: socketpair");
    return 1;
  }
  QSocketNotifier stop_notifier(g_signal_pipe[1], QSocketNotifier::Read);
  QObject::connect(&stop_notifier, &QSocketNotifier::activated, &app, [] {
    char byte;
    [[maybe_unused]] auto got = read(g_signal_pipe[1], &byte, 1);
    QGuiApplication::quit();
  });
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  mcrm::mobile::ServerLink link(QString::fromStdString(endpoint->ToString()));
  mcrm::mobile::RegisterQmlSingletons(&link);

  QQmlApplicationEngine engine;
  QObject::connect(
      &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
      [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
  engine.load(QUrl(QString::fromLatin1(mcrm::mobile::kMainQmlUrl)));
  if (engine.rootObjects().isEmpty()) return 1;
  link.start();
  std::fprintf(stderr, "mcrm-app: started, server %s\n", endpoint->ToString().c_str());

  const int code = app.exec();
  std::fprintf(stderr, "mcrm-app: stopped\n");
  return code;
}
