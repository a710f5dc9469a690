/* kz-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-text"

#include "config.h"

#include <string.h>

#include "kz-text.h"

/* How far past "&" a ";" is looked for: past every named entity, and
 * long enough to see (and drop) numbers far beyond Unicode. */
#define MAX_ENTITY_LEN 32

/* Blank space is not written straight away: it is held back until the
 * next visible character, so that runs fold and both ends get trimmed. */
typedef struct {
  GString  *out;
  guint     pending_newlines;
  gboolean  pending_space;
} TextWriter;

static void
writer_flush (TextWriter *writer)
{
  if (writer->out->len > 0)
    {
      if (writer->pending_newlines > 0)
        g_string_append_len (writer->out, "\n\n", MIN (writer->pending_newlines, 2));
      else if (writer->pending_space)
        g_string_append_c (writer->out, ' ');
    }

  writer->pending_newlines = 0;
  writer->pending_space = FALSE;
}

static void
writer_newline (TextWriter *writer)
{
  writer->pending_newlines++;
  writer->pending_space = FALSE;
}

static void
writer_space (TextWriter *writer)
{
  if (writer->pending_newlines == 0)
    writer->pending_space = TRUE;
}

/* Visible text, or one byte of a multi-byte character. */
static void
writer_append (TextWriter *writer,
               const char *text,
               gsize       len)
{
  writer_flush (writer);
  g_string_append_len (writer->out, text, len);
}

static void
writer_unichar (TextWriter *writer,
                gunichar    c)
{
  if (c == '\n')
    writer_newline (writer);
  else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0)
    writer_space (writer);
  else if (c < 0x20 || (c >= 0x7F && c < 0xA0))
    return; /* control characters have no place in a label */
  else
    {
      writer_flush (writer);
      g_string_append_unichar (writer->out, c);
    }
}

/* The tag name at @p, lower-cased into @name; empty when it does not
 * fit, since no name we look for is that long. */
static void
read_tag_name (const char *p,
               const char *end,
               char       *name,
               gsize       name_size)
{
  gsize len = 0;

  while (p < end && g_ascii_isalnum (*p) && len + 1 < name_size)
    name[len++] = g_ascii_tolower (*p++);

  if (p < end && g_ascii_isalnum (*p))
    len = 0;

  name[len] = '\0';
}

/* Called with @p on "<"; returns where the text resumes. */
static const char *
skip_tag (TextWriter *writer,
          const char *p,
          const char *end)
{
  const char *close;
  char name[8];
  gboolean closing;

  if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
    {
      const char *stop = g_strstr_len (p + 4, end - (p + 4), "-->");

      return stop ? stop + 3 : end;
    }

  /* An unterminated tag swallows the rest: it was cut off. */
  close = memchr (p, '>', end - p);
  if (close == NULL)
    return end;

  closing = p[1] == '/';
  read_tag_name (p + (closing ? 2 : 1), close, name, sizeof name);

  if (g_str_equal (name, "br") || (closing && g_str_equal (name, "p")))
    writer_newline (writer);

  return close + 1;
}

/* FALSE unless [@digits, @end) is a number; values past Unicode come
 * out as 0x110000 so that the caller drops them. */
static gboolean
parse_code_point (const char *digits,
                  const char *end,
                  guint       base,
                  gunichar   *out)
{
  guint32 value = 0;

  if (digits == end)
    return FALSE;

  for (const char *p = digits; p < end; p++)
    {
      int digit = base == 16 ? g_ascii_xdigit_value (*p) : g_ascii_digit_value (*p);

      if (digit < 0)
        return FALSE;
      value = MIN (value * base + digit, 0x110000);
    }

  *out = value;
  return TRUE;
}

/* Called with @p on "&"; returns where the text resumes. */
static const char *
decode_entity (TextWriter *writer,
               const char *p,
               const char *end)
{
  static const struct {
    const char *name;
    gunichar    c;
  } named[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "nbsp", 0xA0 },
  };
  const char *name = p + 1;
  const char *semicolon;
  gsize len;

  semicolon = memchr (name, ';', MIN ((gsize) (end - name), MAX_ENTITY_LEN));
  if (semicolon == NULL)
    goto literal;

  len = semicolon - name;

  if (len >= 2 && name[0] == '#')
    {
      gboolean hex = name[1] == 'x' || name[1] == 'X';
      gunichar c = 0;

      if (parse_code_point (name + (hex ? 2 : 1), semicolon, hex ? 16 : 10, &c))
        {
          /* NUL, surrogates and values past Unicode are dropped. */
          if (c != 0 && !(c >= 0xD800 && c <= 0xDFFF) && c <= 0x10FFFF)
            writer_unichar (writer, c);
          return semicolon + 1;
        }
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (named); i++)
        if (strlen (named[i].name) == len && memcmp (named[i].name, name, len) == 0)
          {
            writer_unichar (writer, named[i].c);
            return semicolon + 1;
          }
    }

literal:
  /* Not one we know: the "&" stays, and what follows is read as text. */
  writer_append (writer, "&", 1);
  return p + 1;
}

char *
kz_text_from_html (const char *html)
{
  g_autofree char *valid = NULL;
  TextWriter writer = { NULL, 0, FALSE };
  const char *p;
  const char *end;

  if (html == NULL)
    return NULL;

  valid = g_utf8_make_valid (html, -1);
  p = valid;
  end = valid + strlen (valid);
  writer.out = g_string_sized_new (end - p);

  /* Tags and entities are ASCII, so walking bytes never splits a
   * multi-byte character. */
  while (p < end)
    {
      char c = *p;

      /* "<" starts a tag only before a name, "/", "!" or "?", as in
       * HTML; "1 < 2" stays text. */
      if (c == '<' && p + 1 < end &&
          (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
        p = skip_tag (&writer, p, end);
      else if (c == '&')
        p = decode_entity (&writer, p, end);
      else if (c == '\r')
        {
          /* "\r\n" is one line break, a lone "\r" is one too. */
          if (p + 1 < end && p[1] == '\n')
            p++;
          writer_newline (&writer);
          p++;
        }
      else if ((guchar) c < 0x80)
        {
          writer_unichar (&writer, (guchar) c);
          p++;
        }
      else
        {
          writer_unichar (&writer, g_utf8_get_char (p));
          p = g_utf8_next_char (p);
        }
    }

  return g_string_free (writer.out, FALSE);
}
