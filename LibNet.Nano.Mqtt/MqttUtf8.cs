using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// UTF-8 for MQTT strings without allocating and without System.Text (a separate nano package
    /// the client would otherwise depend on): byte counts, encoding into a buffer, and comparing
    /// encoded bytes with a string. MQTT 3.1.1 section 1.5.3: well-formed UTF-8, no U+0000, at most
    /// 65535 bytes.
    /// </summary>
    internal static class MqttUtf8
    {
        /// <summary>Largest encoded length of an MQTT string.</summary>
        internal const int MaxLength = 65535;

        /// <summary>
        /// The UTF-8 length of <paramref name="s"/>; throws <see cref="ArgumentException"/> naming
        /// <paramref name="name"/> for U+0000, a lone surrogate, or more than 65535 bytes.
        /// </summary>
        internal static int ByteCount(string s, string name)
        {
            int n = 0;
            int len = s.Length;
            CheckLength(s, name);
            for (int i = 0; i < len; i++)
            {
                char c = s[i];
                if (c == 0)
                {
                    throw new ArgumentException("MQTT strings may not contain U+0000", name);
                }

                if (c < 0x80)
                {
                    n += 1;
                }
                else if (c < 0x800)
                {
                    n += 2;
                }
                else if (c >= 0xD800 && c <= 0xDFFF)
                {
                    char d = c > 0xDBFF || i + 1 >= len ? (char)0 : AfterHigh(s, i, c);
                    if (d < 0xDC00 || d > 0xDFFF)
                    {
                        throw new ArgumentException("not well-formed UTF-16 (a lone surrogate at index " + i + ")", name);
                    }

                    n += 4;
                    i++;
                }
                else
                {
                    n += 3;
                }
            }

            if (n > MaxLength)
            {
                throw new ArgumentException("longer than 65535 bytes in UTF-8 (" + n + ")", name);
            }

            return n;
        }

        /// <summary>
        /// Throws at once when <paramref name="s"/> has more UTF-16 units than an MQTT string has
        /// bytes (each unit is at least one byte of UTF-8), before anything walks the string: on
        /// the nanoCLR each <c>s[i]</c> walks the string from its start (strings are UTF-8 there),
        /// so walking a 65536-character string took seconds, not the immediate exception bad input gets.
        /// </summary>
        internal static void CheckLength(string s, string name)
        {
            if (s.Length > MaxLength)
            {
                throw new ArgumentException("longer than 65535 bytes in UTF-8 (" + s.Length + " UTF-16 units)", name);
            }
        }

        /// <summary>Writes <paramref name="s"/> (already checked by <see cref="ByteCount"/>) at <paramref name="at"/>; returns the position after it.</summary>
        internal static int Write(string s, byte[] buffer, int at)
        {
            int len = s.Length;
            for (int i = 0; i < len; i++)
            {
                int cp = CodePoint(s, ref i);
                at = WriteCodePoint(cp, buffer, at);
            }

            return at;
        }

        /// <summary>Writes a 2-byte length and the string; returns the position after it.</summary>
        internal static int WritePrefixed(string s, int byteCount, byte[] buffer, int at)
        {
            buffer[at] = (byte)(byteCount >> 8);
            buffer[at + 1] = (byte)byteCount;
            return Write(s, buffer, at + 2);
        }

        /// <summary>True when <paramref name="length"/> bytes at <paramref name="offset"/> are exactly <paramref name="s"/> in UTF-8.</summary>
        internal static bool Equal(byte[] buffer, int offset, int length, string s)
        {
            int end = offset + length;
            int at = offset;
            int len = s.Length;
            for (int i = 0; i < len; i++)
            {
                int cp = CodePoint(s, ref i);
                if (!MatchCodePoint(cp, buffer, ref at, end))
                {
                    return false;
                }
            }

            return at == end;
        }

        /// <summary>The code point at <paramref name="i"/> (advancing past a surrogate pair); a lone surrogate is U+FFFD.</summary>
        internal static int CodePoint(string s, ref int i)
        {
            char c = s[i];
            if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length)
            {
                char d = AfterHigh(s, i, c);
                if (d >= 0xDC00 && d <= 0xDFFF)
                {
                    i++;
                    return 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                }
            }

            if (c >= 0xD800 && c <= 0xDFFF)
            {
                return 0xFFFD;
            }

            return c;
        }

        /// <summary>
        /// The UTF-16 unit after the high surrogate <paramref name="c"/> at <paramref name="i"/>
        /// (<c>i + 1 &lt; s.Length</c>). The nanoCLR's string indexer (mscorlib 1.17.11; the
        /// interpreter's String.get_Chars cannot stop inside the 4-byte UTF-8 sequence of a pair)
        /// returns the high surrogate again for the low half, where desktop .NET returns the low
        /// surrogate; <c>ToCharArray</c> reads both halves right there. A string on the nanoCLR
        /// cannot hold a lone surrogate (it becomes U+FFFD), so a high surrogate read twice is that
        /// fault: only then is the pair read again, allocating 2 characters (on desktop .NET it
        /// takes two lone high surrogates in a row, which stay lone).
        /// </summary>
        internal static char AfterHigh(string s, int i, char c)
        {
            char d = s[i + 1];
            return d == c ? s.ToCharArray(i, 2)[1] : d;
        }

        /// <summary>True when the bytes at <paramref name="at"/> encode <paramref name="cp"/>; advances past them.</summary>
        internal static bool MatchCodePoint(int cp, byte[] b, ref int at, int end)
        {
            if (cp < 0x80)
            {
                if (at >= end || b[at] != cp)
                {
                    return false;
                }

                at++;
                return true;
            }

            int n = cp < 0x800 ? 2 : (cp < 0x10000 ? 3 : 4);
            if (at + n > end)
            {
                return false;
            }

            int lead = n == 2 ? 0xC0 | (cp >> 6) : (n == 3 ? 0xE0 | (cp >> 12) : 0xF0 | (cp >> 18));
            if (b[at] != lead)
            {
                return false;
            }

            for (int k = 1; k < n; k++)
            {
                int shift = 6 * (n - 1 - k);
                if (b[at + k] != (0x80 | ((cp >> shift) & 0x3F)))
                {
                    return false;
                }
            }

            at += n;
            return true;
        }

        private static int WriteCodePoint(int cp, byte[] b, int at)
        {
            if (cp < 0x80)
            {
                b[at] = (byte)cp;
                return at + 1;
            }

            if (cp < 0x800)
            {
                b[at] = (byte)(0xC0 | (cp >> 6));
                b[at + 1] = (byte)(0x80 | (cp & 0x3F));
                return at + 2;
            }

            if (cp < 0x10000)
            {
                b[at] = (byte)(0xE0 | (cp >> 12));
                b[at + 1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                b[at + 2] = (byte)(0x80 | (cp & 0x3F));
                return at + 3;
            }

            b[at] = (byte)(0xF0 | (cp >> 18));
            b[at + 1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
            b[at + 2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            b[at + 3] = (byte)(0x80 | (cp & 0x3F));
            return at + 4;
        }

        /// <summary>Decodes UTF-8 bytes to a string (allocates: diagnostics and convenience only).</summary>
        internal static string Decode(byte[] b, int offset, int length)
        {
            char[] chars = new char[length];
            int n = 0;
            int end = offset + length;
            int i = offset;
            while (i < end)
            {
                int c = b[i];
                int cp;
                int extra;
                if (c < 0x80)
                {
                    cp = c;
                    extra = 0;
                }
                else if (c >= 0xF0)
                {
                    cp = c & 0x07;
                    extra = 3;
                }
                else if (c >= 0xE0)
                {
                    cp = c & 0x0F;
                    extra = 2;
                }
                else
                {
                    cp = c & 0x1F;
                    extra = 1;
                }

                i++;
                for (int k = 0; k < extra && i < end; k++, i++)
                {
                    cp = (cp << 6) | (b[i] & 0x3F);
                }

                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 + (cp >> 10));
                    chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
                }
                else
                {
                    chars[n++] = (char)cp;
                }
            }

            return new string(chars, 0, n);
        }
    }
}
