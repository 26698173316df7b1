import JMESPath
