// mcrm-app-screenshots: renders every page of the app to PNG files under the offscreen platform,
// at phone (390x844) and tablet (1180x820) size, in one language, signed in to a running
// mcrm-server as a demo user. deploy/screenshots.sh runs it in English on German demo data and in
// Chinese on Chinese demo data.
//
//   mcrm-app-screenshots --server HOST:PORT --language en|zh_CN --out DIR [--login rep1]
//   (password from MCRM_APP_PASSWORD, default "demo")
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <cstdio>

#include "app/record_repository.h"
#include "app/schema_info.h"
#include "app/session_manager.h"
#include "app_setup.h"

namespace {

// Runs the event loop until `done` holds; false when it did not within `limit_ms` (a server
// that never answers: the tool gives up with a message rather than hanging).
template <typename Done>
bool WaitFor(Done done, int limit_ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > limit_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
  return true;
}

// Lets the scene settle (lists loaded, animations over), then grabs the window.
bool Grab(QQuickWindow* window, const QString& path) {
  WaitFor([] { return false; }, 700);
  const QImage image = window->grabWindow();
  if (image.isNull() || !image.save(path)) {
    std::fprintf(stderr, "mcrm-app-screenshots: could not write %s\n", qPrintable(path));
    return false;
  }
  std::printf("%s\n", qPrintable(path));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  QGuiApplication::setApplicationName(QStringLiteral("mcrm-app"));
  QGuiApplication::setApplicationVersion(QStringLiteral(MCRM_VERSION));
  QCommandLineParser parser;
  parser.addHelpOption();
  QCommandLineOption server(QStringLiteral("server"), "mcrm-server address.", "host:port");
  QCommandLineOption language(QStringLiteral("language"), "en or zh_CN.", "code", "en");
  QCommandLineOption out(QStringLiteral("out"), "Directory for the PNG files.", "dir");
  QCommandLineOption login(QStringLiteral("login"), "Demo user to sign in as.", "login", "rep1");
  parser.addOptions({server, language, out, login});
  parser.process(app);
  if (!parser.isSet(server) || !parser.isSet(out)) {
    std::fprintf(stderr, "mcrm-app-screenshots: --server and --out are required\n");
    return 2;
  }
  const QString password = qEnvironmentVariableIsSet("MCRM_APP_PASSWORD")
                               ? qEnvironmentVariable("MCRM_APP_PASSWORD")
                               : QStringLiteral("demo");
  QDir().mkpath(parser.value(out));
  QTemporaryDir data_dir;

  mcrm::mobile::RecordRepository repository;
  mcrm::mobile::RecordRepository::SetDefault(&repository);
  mcrm::mobile::SessionManager session(repository, data_dir.path(), parser.value(server));
  mcrm::mobile::SchemaInfo schema;
  mcrm::mobile::RegisterQmlTypes(&session, &schema);
  const QString code = parser.value(language);
  mcrm::mobile::ApplyLanguage(code, nullptr);
  const QString lang =
      code.startsWith(QStringLiteral("zh")) ? QStringLiteral("zh") : QStringLiteral("en");

  struct Size {
    const char* name;
    int width, height;
  };
  const Size sizes[] = {{"phone", 390, 844}, {"tablet", 1180, 820}};
  bool signed_in_once = false;
  for (const Size& size : sizes) {
    QQmlApplicationEngine engine;
    mcrm::mobile::AddAppImportPath(&engine);
    engine.load(QUrl(QString::fromLatin1(mcrm::mobile::kMainQmlUrl)));
    if (engine.rootObjects().isEmpty()) return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    window->resize(size.width, size.height);
    const auto file = [&](const char* page) {
      return QDir(parser.value(out))
          .filePath(QStringLiteral("%1-%2-%3.png").arg(lang, size.name, page));
    };
    if (!signed_in_once) {
      if (!Grab(window, file("sign-in"))) return 1;
      session.signIn(parser.value(server), parser.value(login), password);
      if (!WaitFor([&] { return session.signedIn() && session.lastSync().isValid(); }, 120000)) {
        std::fprintf(stderr, "mcrm-app-screenshots: no sign-in and sync: %s %s\n",
                     qPrintable(session.signInError()), qPrintable(session.syncError()));
        return 1;
      }
      signed_in_once = true;
    }
    for (const char* page :
         {"customers", "customer", "account-form", "interaction-form", "sync", "settings"}) {
      QMetaObject::invokeMethod(window, "showPage", Q_ARG(QVariant, QString::fromLatin1(page)));
      if (!Grab(window, file(page))) return 1;
    }
  }
  session.signOut();
  return 0;
}
