using System;

namespace NanoLibNet.LoadProbe
{
    /// <summary>Prints the free managed heap once the nanoCLR has loaded every deployed assembly.</summary>
    public static class Program
    {
        /// <summary>Entry point.</summary>
        public static void Main()
        {
            Console.WriteLine("free heap at Main: " + nanoFramework.Runtime.Native.GC.Run(false));
        }
    }
}
