// mcrm-app: the Qt Quick app for field reps.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <cstdio>

#include "app/record_repository.h"
#include "app/schema_info.h"
#include "app/session_manager.h"
#include "app_setup.h"
#include "mcrm/endpoint.h"

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
  QGuiApplication::setApplicationVersion(QStringLiteral(MCRM_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral(
      "M-CRM field app. To sign in without the form (a demo, a kiosk), set MCRM_APP_LOGIN and "
      "MCRM_APP_PASSWORD in the environment."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption server_option(
      QStringLiteral("server"),
      QStringLiteral("mcrm-server address offered at the first sign-in, host:port."),
      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:%1").arg(mcrm::kDefaultServerPort));
  QCommandLineOption data_option(
      QStringLiteral("data-dir"),
      QStringLiteral("Where the app keeps its replica and settings (default: %1).")
          .arg(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)),
      QStringLiteral("dir"));
  parser.addOption(server_option);
  parser.addOption(data_option);
  parser.process(app);

  auto endpoint =
      mcrm::ParseEndpoint(parser.value(server_option).toStdString(), /*allow_any_port=*/true);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "mcrm-app: --server: %s\n",
                 std::string(endpoint.status().message()).c_str());
    return 2;
  }
  const QString data_dir = parser.isSet(data_option)
                               ? parser.value(data_option)
                               : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  if (!QDir().mkpath(data_dir)) {
    std::fprintf(stderr, "mcrm-app: --data-dir: cannot create %s\n", qPrintable(data_dir));
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

  mcrm::mobile::RecordRepository repository;
  mcrm::mobile::RecordRepository::SetDefault(&repository);
  mcrm::mobile::SessionManager session(repository, data_dir,
                                       QString::fromStdString(endpoint->ToString()));
  mcrm::mobile::SchemaInfo schema;
  mcrm::mobile::RegisterQmlTypes(&session, &schema);
  mcrm::mobile::ApplyLanguage(session.language(), nullptr);
  session.Resume();

  QQmlApplicationEngine engine;
  mcrm::mobile::AddAppImportPath(&engine);
  QObject::connect(&session, &mcrm::mobile::SessionManager::languageChanged, &engine,
                   [&] { mcrm::mobile::ApplyLanguage(session.language(), &engine); });
  QObject::connect(
      &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
      [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
  engine.load(QUrl(QString::fromLatin1(mcrm::mobile::kMainQmlUrl)));
  if (engine.rootObjects().isEmpty()) return 1;

  // A demo or kiosk signs in from the environment (never from the command line, which other
  // users of the machine can read).
  const QString login = qEnvironmentVariable("MCRM_APP_LOGIN");
  if (!session.signedIn() && !login.isEmpty()) {
    session.signIn(QString::fromStdString(endpoint->ToString()), login,
                   qEnvironmentVariable("MCRM_APP_PASSWORD"));
  }
  std::fprintf(stderr, "mcrm-app: started, data in %s\n", qPrintable(data_dir));

  const int code = app.exec();
  std::fprintf(stderr, "mcrm-app: stopped\n");
  return code;
}
