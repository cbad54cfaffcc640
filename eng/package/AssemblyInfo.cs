using System.Reflection;

// Assembly identity of the nano build (LibNet.Nano/nf/LibNet.Nano.nfproj links this file in). The host build
// (LibNet.Nano.csproj, SDK-style) generates its own attributes, which is why this file lives
// outside LibNet.Nano/, whose **/*.cs the host build compiles.
[assembly: AssemblyTitle("LibNet.Nano")]
[assembly: AssemblyDescription("LuatOS-style blocking network API (libnet, sysplus, socket) for .NET nanoFramework")]
[assembly: AssemblyCompany("LibNet.Nano contributors")]
[assembly: AssemblyProduct("LibNet.Nano")]
[assembly: AssemblyCopyright("Copyright (c) LibNet.Nano contributors")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
[assembly: AssemblyInformationalVersion("0.1.0")]
