namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The test PKI of the TLS tests, as text (a device has no files to read): the same PEM as
    /// LibNet.Nano.Tests.Device/Tls/certs/*, written by eng/device-pki.sh (do not edit by hand;
    /// a host test checks they agree). A test CA nobody trusts; its keys were thrown away.
    /// </summary>
    public static class TlsCerts
    {
        /// <summary>The test CA: it signed ServerCert (ca.pem).</summary>
        public const string Ca =
            "-----BEGIN CERTIFICATE-----\n" +
            "MIIDMzCCAhugAwIBAgIUby6Up2KycBoioMjpM3JFEfHqdvYwDQYJKoZIhvcNAQEL\n" +
            "BQAwIDEeMBwGA1UEAwwVTGliTmV0IERldmljZSBUZXN0IENBMCAXDTI2MTEzMDA0\n" +
            "NTE0N1oYDzIxMjYxMTA2MDQ1MTQ3WjAgMR4wHAYDVQQDDBVMaWJOZXQgRGV2aWNl\n" +
            "IFRlc3QgQ0EwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC9qA/pyxjR\n" +
            "3Djgff8aE84lphznfuiEti9fKCHeTEwpMFGuZSqkf5/9qDzYhif5/7DiKAcu0f6l\n" +
            "xvTCs0WAnCa1Auj+Gur4qaOtuQ5JfWQdDgBNL0kBKqQIi/UFaf3eqKtecml1uiQR\n" +
            "cxVY/KU/KaCPY9hZhXUO0eIycDBj3XOQiX7qW2rQdZh73laAARzbCGJfMzxER912\n" +
            "vDo7XSmoZ01bgx5qGzBvj2f9yZjogGEQJ9kP7+R+epn46gqt5+vdDYel184eWGMb\n" +
            "SVUCxuWOuZ+RD2ZlaeT8T1WKByPx44x40A3cvH8gVet0c7u9OwK6o5igZRjk9Kvs\n" +
            "1MkNl1fK0UPlAgMBAAGjYzBhMB0GA1UdDgQWBBQayNhOR8B1gDZli0IaKXrtZDY9\n" +
            "szAfBgNVHSMEGDAWgBQayNhOR8B1gDZli0IaKXrtZDY9szAPBgNVHRMBAf8EBTAD\n" +
            "AQH/MA4GA1UdDwEB/wQEAwIBBjANBgkqhkiG9w0BAQsFAAOCAQEAVqz5JcCsF7Sm\n" +
            "Ps16lWhdFzevHY4FJKSnqenlbBc/+Vmvt58hcTOxxMcPt2ohHLpdoGW8UJyFN+sL\n" +
            "Ybe1GUdE093nIX3i41V6Ase4hXhHO8hws4YbjG6jCgfbOFmOPQGwER1J5/t9HQIw\n" +
            "rXTHHuZPTaG9Raj3TFaUN9FXfA/r/DvPFAjPXp1BOvb9owhyYdXdwhLdBEQ892Vu\n" +
            "3nGZTSgVVr5H2IOzvZhfl85cxtcZnmty0X66/+JubdzHWCoyF2eA3D3TyQGgyl8g\n" +
            "ApV/ldKo4yaFnr6xqu3OKdj6C+1x71CwpABAz7ddN/xoqXoStyogK1mpnnptZg7Z\n" +
            "yhS7ss0eEQ==\n" +
            "-----END CERTIFICATE-----\n";

        /// <summary>An unrelated CA: verifying ServerCert against it must fail (otherca.pem).</summary>
        public const string OtherCa =
            "-----BEGIN CERTIFICATE-----\n" +
            "MIIDOTCCAiGgAwIBAgIUAmeSPCo2eVLGmEbVqK16raM2mhwwDQYJKoZIhvcNAQEL\n" +
            "BQAwIzEhMB8GA1UEAwwYVW5yZWxhdGVkIERldmljZSBUZXN0IENBMCAXDTI2MTEz\n" +
            "MDA0NTE0OFoYDzIxMjYxMTA2MDQ1MTQ4WjAjMSEwHwYDVQQDDBhVbnJlbGF0ZWQg\n" +
            "RGV2aWNlIFRlc3QgQ0EwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDA\n" +
            "AAvVVU3ZzOMEgJKyQfvHacXU//YZG27/cgHMf9WiYeh9pQ2g2VvtUpQ4SzdYDnd4\n" +
            "JawLa6tLWoiM/kRYVWLdAIBm066x8w/i0uWaNSYL6496VFPzI4Nr1xcMIF75QkPm\n" +
            "wyI74fzJlY1fj44P0iIwvXGDEzTf7IYj34R9K0tRgo/Rru5Y4+KlTP1cI0gdjj0u\n" +
            "BAEk9qkGMgvPUGrZjQtXWhLx0of2QBe0f1Bie0nLYQ0dfk0jK1g5a4ZNldPNT+KM\n" +
            "CcCSAvqZ/V7gN8DJ2BKg95gZYf77XYjE3IPSg4aft4PFlFsJ4FNg3r+ToUo/0seD\n" +
            "uoSdQvr4M/R9Z7Ko4itjAgMBAAGjYzBhMB0GA1UdDgQWBBTBxZjqRWueQ9xzjnCQ\n" +
            "CknB/848wTAfBgNVHSMEGDAWgBTBxZjqRWueQ9xzjnCQCknB/848wTAPBgNVHRMB\n" +
            "Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjANBgkqhkiG9w0BAQsFAAOCAQEAqjz1\n" +
            "Fp2lzqYPY5JvgjsPRYYT6oZpFL+dCyZUNDM3sE/Y9HB2IEJMck6Q0Ts+eiRwNmXi\n" +
            "rpbh40OlDkpuRFvct/bpn29AUAomwoW5BSgvD6r7M0fNl9yCYU6YEsmK4EHVVaxM\n" +
            "CsjUOKd4omR1ZaqzxBVJd7LiIoYhbny4EJgBIgmrCKnJ+ynPtyEwbj/DLTYIEVN0\n" +
            "7FkLRCGopIOBH2QN5auYIVi4A7Ww1AeqXFFKQ1hQtTUa21ouzHsIyiEN16H6Z/2Z\n" +
            "6sPBGR7HuN1BzQfEsE+3sTjHcHZd9LjUl+LiMgrCF0b49A9N1ngSAuSxYfghx3Li\n" +
            "WBQKWUxH8oV2A+H0gw==\n" +
            "-----END CERTIFICATE-----\n";

        /// <summary>The server certificate: CN and SAN localhost, SAN IP 127.0.0.1 (server.pem).</summary>
        public const string ServerCert =
            "-----BEGIN CERTIFICATE-----\n" +
            "MIIDVDCCAjygAwIBAgIUKvv6BewyDr/cf6JRSkdfqzyJeVowDQYJKoZIhvcNAQEL\n" +
            "BQAwIDEeMBwGA1UEAwwVTGliTmV0IERldmljZSBUZXN0IENBMCAXDTI2MTEzMDA0\n" +
            "NTE0OVoYDzIxMjYxMTA2MDQ1MTQ5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwggEi\n" +
            "MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDRpZGgpFNwsXCH9KDQiNS95KGA\n" +
            "bJXlIn3I6T+wI8VMdGVlmRQ6o2GlVDGUtLntHZt6oHFd0ZpT+Ho6H4dztRbddVmO\n" +
            "XYpsIG/NDCTN1N/QRY/a3LhGzmqFa/9eSDqJ41RNh44orxX81P8a55TLOQss2O50\n" +
            "M+wpsmAmE1vnDU8Fokxd0IYw4z4kBAZ1O+Gx08PeW/5abdRL+EZgJd8v5rwG33wW\n" +
            "5FOuqFjYt9s3eCQWKpHKs4UsXjYF5OmqPDFLCGOZVbAQstwNV81g81Tzlw1slFTm\n" +
            "l3roPkqwNzqMg99UJla18d7jfW+NIWN7s3vlb5rO1R+X2BRL8J1xOeMeC+HPAgMB\n" +
            "AAGjgY8wgYwwGgYDVR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMAkGA1UdEwQCMAAw\n" +
            "DgYDVR0PAQH/BAQDAgWgMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBTW\n" +
            "/fK28h1OKqgciBu4pkvrOEoOiDAfBgNVHSMEGDAWgBQayNhOR8B1gDZli0IaKXrt\n" +
            "ZDY9szANBgkqhkiG9w0BAQsFAAOCAQEAPWiHyK98Tq6nzYg/rVHBl+jlSEqAx6Gi\n" +
            "2+cacBPtkWB15MnKLeHsefl89uJd2qpjv0u0re6tSkLuyI44uHvWW1ex+4wLhjfV\n" +
            "nm56uCFSUuyXjacY5nqESHDphF1PwR5xllcROHJPFfCXTik3r4W494sE4OBqhIZ8\n" +
            "vHs5KxE3Lb/FZ7sCAkTiuNEgYVYR3R5/1CyYFk/p1UkdQ8BLoZ2sc9iv3DJaTvRq\n" +
            "r/+Fyt8ISh2CUToGeH1EOlbcESE77XUflsI0w0+yOeWBqsyBNJ9SOtBpDGd7Tw9e\n" +
            "AsiavpYimZF365C6Gxq9jcIRcxF/4LTWVh8i3xzaxIP9nKTIeTkaug==\n" +
            "-----END CERTIFICATE-----\n";

        /// <summary>The private key of ServerCert (server.key).</summary>
        public const string ServerKey =
            "-----BEGIN PRIVATE KEY-----\n" +
            "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDRpZGgpFNwsXCH\n" +
            "9KDQiNS95KGAbJXlIn3I6T+wI8VMdGVlmRQ6o2GlVDGUtLntHZt6oHFd0ZpT+Ho6\n" +
            "H4dztRbddVmOXYpsIG/NDCTN1N/QRY/a3LhGzmqFa/9eSDqJ41RNh44orxX81P8a\n" +
            "55TLOQss2O50M+wpsmAmE1vnDU8Fokxd0IYw4z4kBAZ1O+Gx08PeW/5abdRL+EZg\n" +
            "Jd8v5rwG33wW5FOuqFjYt9s3eCQWKpHKs4UsXjYF5OmqPDFLCGOZVbAQstwNV81g\n" +
            "81Tzlw1slFTml3roPkqwNzqMg99UJla18d7jfW+NIWN7s3vlb5rO1R+X2BRL8J1x\n" +
            "OeMeC+HPAgMBAAECggEAAnJWYOkPXjp75TefeX+MorYHL8//RIAitqmziBM1dhR1\n" +
            "AHqzspF942eNopN6CKs2nszo4HRAmFKciTlyo7uNIO2B1jhU6WPML45A5F65Hp2e\n" +
            "iv/WGLbHpcyiW3p9UGb6Rg4FxIdykBOjnIVFBnAhJ2yqr77RYT/cgQ/rG9GwcTuJ\n" +
            "E5sgVXKExXLiQ+BtqpGe2AJ4hl4EpFpmP54L8P7ntwzgOArQ19auPJ1/ceGAlgsK\n" +
            "/qDhmIMwZA9lc0IrKFyQmYTAwiJZLmpwHzmq4AdBmem4XRPoRWRF9GXnu3zzixZb\n" +
            "Qwu+G4iZfGscJ10amuRhpjdFdpvf15PCZz79LLFAiQKBgQDw/B6IxGwWAMst+UuF\n" +
            "0eiS/4DfEvGajOsc9kNHJDvzvSPLEXs5I8vm5df2f72BKO24k3NLqkRLogX6mKWm\n" +
            "NH2jmoWglXVqgVX8GlIj08mlsZFFDE90e+7jWkVAQqKJChNTk7fLwm5X5LaqNjEK\n" +
            "xGBoIVLSwQfs9C7jMHpdsrwHaQKBgQDetZWryOVQ3zkqH2/7XdejsIEg5TuC3lVQ\n" +
            "dTjuKhDa73ESZPWqeStM+bal1Qi/Tm3Cgm+C9SW3/PY/rs7NoVFcDjP9x4Ta5KqO\n" +
            "Y+BAdJu2cW9OEL+8WfEfJcsbdgA7VPxp7GRrn8pNX5Wnil/PPaBISjy7ORsXEdLN\n" +
            "8YNMn+LwdwKBgDVyRTdiEPLEVEuq+aQBTQqlHijbY7g6Pr7ao0s47w78yN51zxV6\n" +
            "KfPY0A/8fsQRlr+T/EMwzRrVIWxVxI9bHu5VDAP0gekQLEjQcZ0+kH9uJWDh/RFB\n" +
            "l1bXI3rADJpGIMktftrzEVPvBtAzWqcfrJ4LnfneE+rqsSd0Df+P74HZAoGAbbmn\n" +
            "WTCskrC4OGGuyXjNwo82v59RN8QU4oQunWDKVyO7YOWvB+OVCuLJM2EHY0Hf4AJl\n" +
            "sG7Zu5F9PZkBuNwu+pzgzrsbYMFiqq7YkMki4rt2rE6iOMlTfBYhwJDdwl230vQt\n" +
            "8byTbpWWZSpO1As3ygYRb+jNyQr2ApNoLjtkEzcCgYBnSf8lCRfrrbFK6m2Amwd5\n" +
            "UeQNWgVz5m855ydiuZRXE33n1hvWsvLez9Sui4jV3uDUScO+avui8/afgDudGU9B\n" +
            "IoPvPA82W5m8tfIZR75RStSDEVW7d82cbQu+L+2Wp/3bNlgtFxdMzs8BeAtsrMmE\n" +
            "Suv07LiOdpocYqqsfVAf4g==\n" +
            "-----END PRIVATE KEY-----\n";
    }
}
