namespace NanoLibNet
{
    /// <summary>
    /// IP address literals to and from bytes, without System.Net (the core builds without it)
    /// and without allocating when parsing, so a UDP <c>Tx</c> to a host and port costs nothing.
    /// </summary>
    internal static class IpText
    {
        /// <summary>Parses an IPv4 dotted quad or an IPv6 literal into <paramref name="dst"/> (16 bytes).</summary>
        /// <returns>4 or 16, or 0 when <paramref name="s"/> is not an IP literal (a host name).</returns>
        internal static int Parse(string s, byte[] dst)
        {
            if (s.IndexOf(':') >= 0)
            {
                return ParseV6(s, dst) ? 16 : 0;
            }

            return ParseV4(s, 0, s.Length, dst, 0) ? 4 : 0;
        }

        private static bool ParseV4(string s, int start, int end, byte[] dst, int at)
        {
            int part = 0;
            int value = -1;
            for (int i = start; i <= end; i++)
            {
                char c = i < end ? s[i] : '.';
                if (c >= '0' && c <= '9')
                {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                    if (value > 255)
                    {
                        return false;
                    }
                }
                else if (c == '.')
                {
                    if (value < 0 || part == 4)
                    {
                        return false;
                    }

                    dst[at + part++] = (byte)value;
                    value = -1;
                }
                else
                {
                    return false;
                }
            }

            return part == 4;
        }

        private static bool ParseV6(string s, byte[] dst)
        {
            int len = s.Length;
            if (len > 1 && s[0] == '[' && s[len - 1] == ']')
            {
                s = s.Substring(1, len - 2);
                len = s.Length;
            }

            int pct = s.IndexOf('%');
            if (pct >= 0)
            {
                len = pct;
            }

            for (int k = 0; k < 16; k++)
            {
                dst[k] = 0;
            }

            int groups = 0;
            int gap = -1;
            int i = 0;
            if (len >= 2 && s[0] == ':' && s[1] == ':')
            {
                gap = 0;
                i = 2;
            }

            while (i < len)
            {
                if (groups == 8)
                {
                    return false;
                }

                int start = i;
                int value = 0;
                while (i < len && s[i] != ':')
                {
                    if (s[i] == '.')
                    {
                        // Embedded IPv4 (::ffff:1.2.3.4) fills the last two groups.
                        if (groups > 6 || !ParseV4(s, start, len, dst, groups * 2))
                        {
                            return false;
                        }

                        groups += 2;
                        i = len;
                        start = -1;
                        break;
                    }

                    int h = Hex(s[i]);
                    if (h < 0 || i - start >= 4)
                    {
                        return false;
                    }

                    value = (value << 4) | h;
                    i++;
                }

                if (start < 0)
                {
                    break;
                }

                if (i == start)
                {
                    return false;
                }

                dst[groups * 2] = (byte)(value >> 8);
                dst[groups * 2 + 1] = (byte)value;
                groups++;
                if (i < len)
                {
                    i++;
                    if (i < len && s[i] == ':')
                    {
                        if (gap >= 0)
                        {
                            return false;
                        }

                        gap = groups;
                        i++;
                    }
                    else if (i == len)
                    {
                        return false;
                    }
                }
            }

            if (gap < 0)
            {
                return groups == 8;
            }

            if (groups == 8)
            {
                return false;
            }

            int move = (groups - gap) * 2;
            for (int k = 0; k < move; k++)
            {
                dst[15 - k] = dst[gap * 2 + move - 1 - k];
                dst[gap * 2 + move - 1 - k] = 0;
            }

            return true;
        }

        private static int Hex(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }

        /// <summary>Formats 4 or 16 address bytes as text (allocates: diagnostics and the string overloads only).</summary>
        internal static string Format(byte[] a, int length)
        {
            if (length == 4)
            {
                return a[0].ToString() + "." + a[1].ToString() + "." + a[2].ToString() + "." + a[3].ToString();
            }

            // IPv6: the longest run of zero groups (two or more) becomes "::".
            int bestStart = -1;
            int bestLen = 0;
            for (int g = 0; g < 8;)
            {
                if (a[g * 2] == 0 && a[g * 2 + 1] == 0)
                {
                    int run = g;
                    while (run < 8 && a[run * 2] == 0 && a[run * 2 + 1] == 0)
                    {
                        run++;
                    }

                    if (run - g > bestLen && run - g > 1)
                    {
                        bestStart = g;
                        bestLen = run - g;
                    }

                    g = run;
                }
                else
                {
                    g++;
                }
            }

            string text = string.Empty;
            for (int g = 0; g < 8; g++)
            {
                if (g == bestStart)
                {
                    text += "::";
                    g += bestLen - 1;
                    continue;
                }

                if (text.Length > 0 && text[text.Length - 1] != ':')
                {
                    text += ":";
                }

                int v = (a[g * 2] << 8) | a[g * 2 + 1];
                text += v.ToString("x");
            }

            return text;
        }
    }
}
