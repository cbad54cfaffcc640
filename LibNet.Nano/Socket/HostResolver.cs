namespace NanoLibNet
{
    /// <summary>
    /// Resolves a host name for a connect. It runs on the adapter's connect worker and may block;
    /// the connect's deadline still holds (the task stops waiting, the worker finishes later).
    /// </summary>
    /// <param name="host">The name to resolve.</param>
    /// <returns>An IP literal, or null when the name does not resolve.</returns>
    public delegate string HostResolver(string host);
}
