# A data package (Unicode's UCD and Unihan files): compositor/fonts/charsets.py reads
# only where it is installed (the module's __file__).
