/* test-translation.c: kizuna-cli in Japanese and German
 *
 * Runs the built kizuna-cli ($KIZUNA_CLI) with LANGUAGE set and the
 * catalogs compiled into the build folder ($KIZUNA_LOCALEDIR), and
 * compares what it prints with the same catalogs read in this process.
 *
 * The locale is C.UTF-8: gettext ignores LANGUAGE in the "C" locale but
 * not in C.UTF-8, which glibc has built in, so no locale needs to be
 * generated for these tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <libintl.h>
#include <locale.h>
#include <string.h>

/* kizuna-cli's exit statuses, as its --help lists them */
#define CLI_EXIT_OK     0
#define CLI_EXIT_USAGE  1
#define CLI_EXIT_FAILED 2

#define MISSING_ID 999999

/* Pieces of the translations written out, beside what the catalogs say */
typedef struct {
  const char *language;
  const char *unknown_command;
  const char *not_stored;
  gboolean    one_plural_form;
} Language;

static const Language japanese = {
  "ja", "不明なコマンド「frobnicate」",
  "アニメ " G_STRINGIFY (MISSING_ID) " はローカルのライブラリにありません", TRUE
};
static const Language german = {
  "de", "Unbekannter Befehl „frobnicate“",
  "Anime " G_STRINGIFY (MISSING_ID) " ist nicht in der lokalen Bibliothek", FALSE
};

static gboolean have_utf8_locale;

/* gettext keeps what it looked up until this counter moves; the gettext
 * manual's way to switch languages at run time. */
extern int _nl_msg_cat_cntr;

/* Later dgettext () calls in this process answer in language. */
static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  ++_nl_msg_cat_cntr;
}

typedef struct {
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

static CliRun *
run_cli (const char         *language,
         const char * const *args)
{
  const char *cli = g_getenv ("KIZUNA_CLI");
  const char *locale_dir = g_getenv ("KIZUNA_LOCALEDIR");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  CliRun *run = g_new0 (CliRun, 1);
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_assert_nonnull (locale_dir);

  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "LANGUAGE", language, TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_setenv (envp, "KIZUNA_LOCALEDIR", locale_dir, TRUE);
  envp = g_environ_unsetenv (envp, "G_MESSAGES_DEBUG");

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);

  if (!g_spawn_check_wait_status (wait_status, &error))
    {
      g_assert_error (error, G_SPAWN_EXIT_ERROR, error->code);
      run->status = error->code;
    }

  return run;
}

static gboolean
skip_without_locale (void)
{
  if (!have_utf8_locale)
    g_test_skip ("The C.UTF-8 locale is not available");

  return !have_utf8_locale;
}

/* The catalog is there, and its Plural-Forms header is read. */
static void
test_catalog (gconstpointer data)
{
  const Language *lang = data;
  const char *msgid = "Unknown command “%s”";
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  if (skip_without_locale ())
    return;

  use_language (lang->language);
  g_assert_cmpstr (dgettext (GETTEXT_PACKAGE, msgid), !=, msgid);

  one = g_strdup (dngettext (GETTEXT_PACKAGE, "%d episode", "%d episodes", 1));
  two = g_strdup (dngettext (GETTEXT_PACKAGE, "%d episode", "%d episodes", 2));
  g_assert_cmpstr (one, !=, "%d episode");
  g_assert_cmpstr (two, !=, "%d episodes");
  if (lang->one_plural_form)
    g_assert_cmpstr (one, ==, two);
  else
    g_assert_cmpstr (one, !=, two);
}

/* Bad usage: the message and the hint, translated, and nothing else. */
static void
test_usage (gconstpointer data)
{
  const Language *lang = data;
  const char *args[] = { "frobnicate", NULL };
  g_autoptr(CliRun) run = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;

  if (skip_without_locale ())
    return;

  run = run_cli (lang->language, args);

  use_language (lang->language);
  message = g_strdup_printf (dgettext (GETTEXT_PACKAGE, "Unknown command “%s”"), "frobnicate");
  expected = g_strconcat (message, "\n", dgettext (GETTEXT_PACKAGE, "Try 'kizuna-cli --help'"), "\n", NULL);

  g_assert_cmpint (run->status, ==, CLI_EXIT_USAGE);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpstr (run->err, ==, expected);
  g_assert_nonnull (strstr (run->err, lang->unknown_command));
}

/* --help: GOption's own words come from GLib, the rest from us. */
static void
test_help (gconstpointer data)
{
  const Language *lang = data;
  const char *args[] = { "--help", NULL };
  const char *ours[] = {
    "COMMAND [ARGS] — anime franchises from AniList",
    "Use the local library only; never contact AniList",
    "Commands:",
    "  search TEXT       Titles matching TEXT",
    "Exit status: 0 done, 1 bad usage, 2 failed, 3 no such anime, 130 interrupted.",
  };
  g_autoptr(CliRun) run = NULL;

  if (skip_without_locale ())
    return;

  run = run_cli (lang->language, args);
  g_assert_cmpint (run->status, ==, CLI_EXIT_OK);
  g_assert_cmpstr (run->err, ==, "");

  use_language (lang->language);
  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    {
      const char *translated = dgettext (GETTEXT_PACKAGE, ours[i]);

      g_assert_cmpstr (translated, !=, ours[i]);
      g_assert_nonnull (strstr (run->out, translated));
      g_assert_null (strstr (run->out, ours[i]));
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* A message with a 64-bit number: the id reaches the translation
 * through PRId64, which the catalog stores in a form every platform
 * reads (G_GINT64_FORMAT would not reach the catalog at all). */
static void
test_int64_message (gconstpointer data)
{
  const Language *lang = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("kizuna-po-XXXXXX", &error);
  g_autofree char *id = g_strdup_printf ("%d", MISSING_ID);
  const char *args[] = { "--offline", "--data-dir", data_dir, "show", id, NULL };
  g_autoptr(CliRun) run = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_line = NULL;

  g_assert_no_error (error);
  if (skip_without_locale ())
    {
      remove_tree (data_dir);
      return;
    }

  run = run_cli (lang->language, args);
  remove_tree (data_dir);

  use_language (lang->language);
  expected = g_strdup_printf (dgettext (GETTEXT_PACKAGE,
                                        "Anime %" PRId64 " is not in the local library; connect to fetch it"),
                              (gint64) MISSING_ID);
  expected_line = g_strconcat (expected, "\n", NULL);

  g_assert_cmpint (run->status, ==, CLI_EXIT_FAILED);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpstr (run->err, ==, expected_line);
  g_assert_true (g_str_has_prefix (run->err, lang->not_stored));
}

/* A language with no catalog: English, word for word. This is what the
 * tests above tell apart from a translation. */
static void
test_untranslated (void)
{
  const char *args[] = { "frobnicate", NULL };
  g_autoptr(CliRun) run = NULL;

  if (skip_without_locale ())
    return;

  run = run_cli ("tlh", args);
  g_assert_cmpint (run->status, ==, CLI_EXIT_USAGE);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpstr (run->err, ==, "Unknown command “frobnicate”\nTry 'kizuna-cli --help'\n");
}

int
main (int   argc,
      char *argv[])
{
  const Language *languages[] = { &japanese, &german };

  g_test_init (&argc, &argv, NULL);

  have_utf8_locale = setlocale (LC_ALL, "C.UTF-8") != NULL;
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KIZUNA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      const Language *lang = languages[i];
      g_autofree char *catalog = g_strdup_printf ("/kz/po/catalog/%s", lang->language);
      g_autofree char *usage = g_strdup_printf ("/kz/po/cli/usage/%s", lang->language);
      g_autofree char *help = g_strdup_printf ("/kz/po/cli/help/%s", lang->language);
      g_autofree char *int64 = g_strdup_printf ("/kz/po/cli/int64-message/%s", lang->language);

      g_test_add_data_func (catalog, lang, test_catalog);
      g_test_add_data_func (usage, lang, test_usage);
      g_test_add_data_func (help, lang, test_help);
      g_test_add_data_func (int64, lang, test_int64_message);
    }
  g_test_add_func ("/kz/po/cli/untranslated", test_untranslated);

  return g_test_run ();
}
