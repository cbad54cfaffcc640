using System;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// ASCII text in and out of byte arrays, for the samples. nanoFramework's mscorlib has no
    /// Encoding (that is the nanoFramework.System.Text package), and the samples' messages are
    /// plain ASCII, so a loop is all they need.
    /// </summary>
    internal static class SampleText
    {
        /// <summary>Writes <paramref name="text"/> then the decimal <paramref name="number"/> and a newline; returns the length.</summary>
        public static int Put(string text, int number, byte[] buffer)
        {
            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                buffer[n++] = (byte)text[i];
            }

            string digits = number.ToString();
            for (int i = 0; i < digits.Length; i++)
            {
                buffer[n++] = (byte)digits[i];
            }

            buffer[n++] = (byte)'\n';
            return n;
        }

        /// <summary>The bytes as text, newline dropped (for log lines).</summary>
        public static string Get(byte[] buffer, int offset, int count)
        {
            char[] c = new char[count];
            int n = 0;
            for (int i = 0; i < count; i++)
            {
                byte b = buffer[offset + i];
                if (b != (byte)'\n' && b != (byte)'\r')
                {
                    c[n++] = (char)b;
                }
            }

            return new string(c, 0, n);
        }

        /// <summary>True when the two ranges hold the same bytes.</summary>
        public static bool Same(byte[] a, byte[] b, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Milliseconds since <paramref name="start"/> (DateTime.UtcNow; the samples only print it).</summary>
        public static int Ms(DateTime start)
        {
            return (int)((DateTime.UtcNow.Ticks - start.Ticks) / TimeSpan.TicksPerMillisecond);
        }

        /// <summary>One line on the console (nanoFramework: the debugger's output window).</summary>
        public static void Log(string tag, string line)
        {
            Console.WriteLine("[" + tag + "] " + line);
        }
    }
}
